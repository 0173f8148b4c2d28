package io.embedstream.pipeline.operators;

import io.embedstream.pipeline.types.ScoredImage;
import java.util.List;

/**
 * The metrics operator's sampling of input images: the first ones form the probe set (model-version drift), the
 * next the reference sample (data drift); after that they go to the current window's sample. The reference holds
 * {@code referenceSize} images (the calibrated detector's reference); its first {@code sampleSize} are the
 * permutation test's reference, and once those are in, images also go to the window's sample while the rest of the
 * reference fills, so that the per-window figure does not wait for the whole reference. Once the calibrated detector
 * has embedded its reference, the images beyond the first {@code sampleSize} are dropped ({@link #trimReference()}),
 * so that the checkpointed state does not keep thousands of images. The probe set and the
 * reference sample are the checkpointed state's own lists, so that a restored job keeps comparing against the same
 * images.
 */
final class DriftSamples {
    private final MetricsOperator.MetricsState state;
    private final List<ScoredImage> probe;
    private final List<ScoredImage> reference;
    private final int probeSize;
    private final int sampleSize;
    private final int referenceSize;

    DriftSamples(MetricsOperator.MetricsState state, int probeSize, int sampleSize, int referenceSize) {
        this.state = state;
        this.probe = state.probe;
        this.reference = state.reference;
        this.probeSize = probeSize;
        this.sampleSize = sampleSize;
        this.referenceSize = Math.max(referenceSize, sampleSize);
    }

    void add(ScoredImage image, MetricsWindows windows) {
        if (probe.size() < probeSize) {
            probe.add(image);
        } else if (reference.size() < sampleSize) {
            reference.add(image);
        } else {
            if (!referenceComplete()) {
                reference.add(image);
            }
            windows.addSample(image);
        }
    }

    boolean probeComplete() {
        return probe.size() >= probeSize;
    }

    List<ScoredImage> probe() {
        return probe;
    }

    /** The permutation test's reference: the first {@code sampleSize} reference images (fewer while collecting). */
    List<ScoredImage> reference() {
        return reference.subList(0, Math.min(sampleSize, reference.size()));
    }

    /** The calibrated detector's whole reference. */
    List<ScoredImage> fullReference() {
        return reference;
    }

    /** Complete once it holds {@code referenceSize} images, and for good once it has been embedded (calibrated). */
    boolean referenceComplete() {
        return state.driftReferenceEmbeddings != null || reference.size() >= referenceSize;
    }

    int referenceRows() {
        return state.driftReferenceLabels != null ? state.driftReferenceLabels.length : reference.size();
    }

    /**
     * Once the reference is embedded, only the permutation test's first {@code sampleSize} images are still needed:
     * the rest leave the checkpointed state (their embeddings and labels stay).
     */
    void trimReference() {
        if (reference.size() > sampleSize) {
            reference.subList(sampleSize, reference.size()).clear();
        }
    }

    /** Starts collecting a new reference from the next images. */
    void clearReference() {
        reference.clear();
    }
}
