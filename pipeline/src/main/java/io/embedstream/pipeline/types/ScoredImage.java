package io.embedstream.pipeline.types;

import io.embedstream.types.LabeledImage;

/** A decoded image with its estimated quality (Flink POJO). */
public class ScoredImage {
    public String id;
    public int label;
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

    public LabeledImage toLabeledImage() {
        return new LabeledImage(id, label, width, height, channels, pixels);
    }
}
