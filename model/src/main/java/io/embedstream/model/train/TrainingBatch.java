package io.embedstream.model.train;

import io.embedstream.types.LabeledImage;
import java.util.List;

/**
 * One mini-batch: images with their labels, and optionally each image's estimated quality in [0, 1].
 * The objective uses the feature norm as its implicit quality; the estimated quality travels with the
 * step result so that metrics can relate the two.
 */
public record TrainingBatch(List<LabeledImage> images, float[] qualities) {

    public TrainingBatch {
        if (images == null || images.isEmpty()) {
            throw new IllegalArgumentException("a training batch needs at least one image");
        }
        images = List.copyOf(images);
        if (qualities != null && qualities.length != images.size()) {
            throw new IllegalArgumentException("got " + qualities.length + " qualities for " + images.size() + " images");
        }
    }

    public static TrainingBatch of(List<LabeledImage> images) {
        return new TrainingBatch(images, null);
    }

    public int size() {
        return images.size();
    }

    public int[] labels() {
        return images.stream().mapToInt(LabeledImage::label).toArray();
    }
}
