package io.embedstream.pipeline.types;

import io.embedstream.types.LabeledImage;

/** A decoded image with its estimated quality (Flink POJO). */
public class ScoredImage {
    public String id;
    /** The class index; -1 for a class name until the batcher's registry gives it one. */
    public int label;
    /** The class name when the label header was a name; null when it was an index. */
    public String labelName;
    /** Where the record came from (topic, partition, offset), for a dead letter after decoding. */
    public String topic;
    public int partition;
    public long offset;
    public int width;
    public int height;
    public int channels;
    public byte[] pixels;
    /** No-reference quality q in [0, 1], 1 = clean. */
    public float quality;

    public ScoredImage() {}

    public static ScoredImage of(LabeledImage image, float quality) {
        ScoredImage s = new ScoredImage();
        s.id = image.id();
        s.label = image.label();
        s.width = image.width();
        s.height = image.height();
        s.channels = image.channels();
        s.pixels = image.pixels();
        s.quality = quality;
        return s;
    }

    /** The class as named on the stream: its name, or its integer label in decimal (its name in the registry). */
    public String className() {
        return labelName != null ? labelName : Integer.toString(label);
    }

    public LabeledImage toLabeledImage() {
        return new LabeledImage(id, label, width, height, channels, pixels);
    }
}
