package io.embedstream.pipeline.operators;

import io.embedstream.pipeline.types.ScoredImage;
import java.util.List;

/**
 * A window's sample of input images, embedded at most once per model: the permutation test and the calibrated
 * detectors both embed it with {@link CalibratedDriftCheck#sampleEncoder}, and a forward pass is the most expensive
 * thing a window does.
 */
final class WindowSample {
    private final List<ScoredImage> images;
    private MetricsModel embeddedBy;
    private float[][] embeddings;

    WindowSample(List<ScoredImage> images) {
        this.images = images;
    }

    List<ScoredImage> images() {
        return images;
    }

    int size() {
        return images.size();
    }

    /** The sample embedded by {@code model}, computed once for the last model asked. */
    float[][] embeddedBy(MetricsModel model) {
        if (model != embeddedBy) {
            embeddings = model.embed(images);
            embeddedBy = model;
        }
        return embeddings;
    }
}
