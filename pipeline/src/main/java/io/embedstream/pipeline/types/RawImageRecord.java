package io.embedstream.pipeline.types;

/**
 * A record of the input topic exactly as consumed (Flink POJO): decoding happens in its own operator so that
 * a bad record can go to the dead-letter topic with its original bytes and headers.
 */
public class RawImageRecord {
    public byte[] key;
    public byte[] value;
    public String[] headerNames;
    public byte[][] headerValues;
    public String topic;
    public int partition;
    public long offset;

    public RawImageRecord() {}
}
