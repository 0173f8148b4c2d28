package io.embedstream.connectors.wire;

/** A record on one of the job's JSON topics that does not follow the topic's wire format; the message says how. */
public class WireFormatException extends RuntimeException {

    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
