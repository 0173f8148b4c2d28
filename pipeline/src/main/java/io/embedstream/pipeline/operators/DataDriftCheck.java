package io.embedstream.pipeline.operators;

import io.embedstream.model.metrics.DataDriftResult;
import io.embedstream.model.metrics.DataDriftTest;
import io.embedstream.model.metrics.DriftConfig;
import io.embedstream.model.metrics.EmbeddingWindow;
import io.embedstream.pipeline.types.ScoredImage;
import java.util.List;
import java.util.Optional;

/**
 * Data drift of a window: the window's sample of input images against the fixed reference sample, both embedded by
 * one model, so that an encoder that is still learning is not mistaken for drifting data. The model is
 * {@link CalibratedDriftCheck#sampleEncoder}'s: the calibrated detectors' reference encoder once there is one (the
 * sample is embedded once for both, and the reference again only when the encoder changes), the latest version
 * before. Its p-value is a figure of the record; the DATA_DRIFT alarm comes from {@link CalibratedDriftCheck}.
 */
final class DataDriftCheck {
    private final DataDriftTest test = new DataDriftTest(DriftConfig.defaults());
    private final CalibratedDriftCheck encoders;
    private final int sampleSize;
    private float[][] referenceEmbeddings;
    private long referenceVersion;
    private long referenceRebases = -1;

    /**
     * @param encoders   the calibrated check whose {@link CalibratedDriftCheck#sampleEncoder} embeds both samples; the
     *                   window's {@link CalibratedDriftCheck#update} comes first, so that it can calibrate
     * @param sampleSize the reference sample's size; a window's sample needs half of it
     */
    DataDriftCheck(CalibratedDriftCheck encoders, int sampleSize) {
        this.encoders = encoders;
        this.sampleSize = sampleSize;
    }

    /** The test's result, or empty with the reason added to {@code notes}. */
    Optional<DataDriftResult> test(MetricsModel latest, List<ScoredImage> reference, long rebases,
                                   WindowSample current, List<String> notes) {
        MetricsModel model = encoders.sampleEncoder(latest);
        if (!model.loaded()) {
            notes.add("data drift: no model version published yet");
            return Optional.empty();
        }
        if (reference.size() < sampleSize || current.size() < sampleSize / 2) {
            notes.add("data drift: reference or current sample not yet full");
            return Optional.empty();
        }
        try {
            // The reference sample is fixed: its embeddings change only with the model version.
            if (referenceEmbeddings == null || referenceVersion != model.version() || referenceRebases != rebases) {
                referenceEmbeddings = model.embed(reference);
                referenceVersion = model.version();
                referenceRebases = rebases;
            }
            float[][] embedded = current.embeddedBy(model);
            return Optional.of(test.test(EmbeddingWindow.ofRows(referenceEmbeddings, null, null),
                    EmbeddingWindow.ofRows(embedded, null, null)));
        } catch (RuntimeException e) {
            notes.add("data drift: " + e.getMessage());
            return Optional.empty();
        }
    }
}
