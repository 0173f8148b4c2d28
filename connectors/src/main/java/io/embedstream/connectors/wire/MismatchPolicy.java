package io.embedstream.connectors.wire;

/** What the decoder does with an image whose size or channel count differs from the network input. */
public enum MismatchPolicy {
    /** Convert channels and resize, as described in {@link PixelConversions}. The default. */
    CONVERT,
    /** Reject the record with a reason naming both shapes. */
    REJECT
}
