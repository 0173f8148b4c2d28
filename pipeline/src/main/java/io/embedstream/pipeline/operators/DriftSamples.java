package io.embedstream.pipeline.operators;

import io.embedstream.pipeline.types.ScoredImage;
import java.util.List;

/**
 * The metrics operator's sampling of input images: the first ones form the probe set (model-version drift), the
 * next the reference sample (data drift); after that they go to the current window's sample. The probe set and the
 * reference sample are the checkpointed state's own lists, so that a restored job keeps comparing against the same
 * images.
 */
final class DriftSamples {
    private final List<ScoredImage> probe;
    private final List<ScoredImage> reference;
    private final int probeSize;
    private final int referenceSize;

    DriftSamples(MetricsOperator.MetricsState state, int probeSize, int referenceSize) {
        this.probe = state.probe;
        this.reference = state.reference;
        this.probeSize = probeSize;
        this.referenceSize = referenceSize;
    }

    void add(ScoredImage image, MetricsWindows windows) {
        if (probe.size() < probeSize) {
            probe.add(image);
        } else if (reference.size() < referenceSize) {
            reference.add(image);
        } else {
            windows.addSample(image);
        }
    }

    boolean probeComplete() {
        return probe.size() >= probeSize;
    }

    List<ScoredImage> probe() {
        return probe;
    }

    int[] probeLabels() {
        return probe.stream().mapToInt(i -> i.label).toArray();
    }

    List<ScoredImage> reference() {
        return reference;
    }
}
