package io.embedstream.connectors.model;

/** A manifest or model directory that does not follow the publication format; the message says how. */
public class ModelFormatException extends RuntimeException {

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
