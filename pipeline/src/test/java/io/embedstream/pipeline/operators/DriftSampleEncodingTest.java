package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.Device;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.metrics.DataDriftResult;
import io.embedstream.model.metrics.DataDriftTest;
import io.embedstream.model.metrics.DriftConfig;
import io.embedstream.model.metrics.EmbeddingWindow;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.DriftSettings;
import io.embedstream.pipeline.types.ScoredImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A window's drift sample goes through one forward pass: once the calibrated detectors have a reference encoder, the
 * per-window permutation test embeds the sample and its reference with that encoder too, instead of embedding the
 * sample a second time, and its reference at every new version, with the latest version. The checks are called as
 * the metrics operator calls them, with the latest version.
 */
class DriftSampleEncodingTest {
    private static final TrainerConfig TRAINER = TrainerConfig.builder().build();
    private static final DriftSettings SETTINGS = new DriftSettings(200, 50, 1, 16, 0);
    private static final int SAMPLE = 64;

    @Test
    void afterCalibrationTheSampleIsEmbeddedOnceByTheReferenceEncoder() {
        List<ScoredImage> images = new ArrayList<>();
        for (LabeledImage image : SyntheticShapes.builder().seed(7).build().generate(200 + 2 * SAMPLE)) {
            images.add(ScoredImage.of(image, 0.9f));
        }
        byte[] first = parameters(1);
        byte[] second = parameters(2);
        MetricsOperator.MetricsState state = new MetricsOperator.MetricsState();
        state.reference.addAll(images.subList(0, 200));
        DriftSamples samples = new DriftSamples(state, 0, SAMPLE, 200);
        CalibratedDriftCheck calibrated = new CalibratedDriftCheck(state, SETTINGS, TRAINER, SAMPLE);
        DataDriftCheck data = new DataDriftCheck(calibrated, SAMPLE);
        List<String> notes = new ArrayList<>();
        try (MetricsModel latest = new MetricsModel(TRAINER, "cpu")) {
            latest.load(1, first);
            assertSame(latest, calibrated.sampleEncoder(latest), "before calibration: the latest version");

            WindowSample window = new WindowSample(images.subList(200, 200 + SAMPLE));
            calibrated.update(latest, samples, window, notes).orElseThrow();
            data.test(latest, samples.reference(), state.driftRebases, window, notes)
                    .orElseThrow(() -> new AssertionError(notes.toString()));
            assertEquals(200 + SAMPLE + SAMPLE, latest.imagesEmbedded(),
                    "the calibration reference, the window's sample once, the permutation test's reference");

            latest.load(2, second);
            WindowSample next = new WindowSample(images.subList(200 + SAMPLE, 200 + 2 * SAMPLE));
            calibrated.update(latest, samples, next, notes).orElseThrow();
            DataDriftResult result = data.test(latest, samples.reference(), state.driftRebases, next, notes)
                    .orElseThrow(() -> new AssertionError(notes.toString()));
            MetricsModel encoder = calibrated.sampleEncoder(latest);
            assertNotSame(latest, encoder);
            assertEquals(1, encoder.version());
            assertEquals(200 + 2 * SAMPLE, latest.imagesEmbedded(), "the latest version embeds nothing for the window");
            assertEquals(SAMPLE, encoder.imagesEmbedded(),
                    "the encoder embeds the window's sample once and keeps the reference's embeddings");

            // The same test as on both samples embedded afresh by version 1.
            try (MetricsModel independent = new MetricsModel(TRAINER, "cpu")) {
                independent.load(1, first);
                DataDriftResult expected = new DataDriftTest(DriftConfig.defaults()).test(
                        EmbeddingWindow.ofRows(independent.embed(samples.reference()), null, null),
                        EmbeddingWindow.ofRows(independent.embed(next.images()), null, null));
                assertEquals(expected, result);
            }
        } finally {
            calibrated.close();
        }
    }

    private static byte[] parameters(long seed) {
        try (EmbeddingModel model = EmbeddingModel.create(TRAINER.network(), Device.cpu(), seed)) {
            return model.parametersToBytes();
        }
    }
}
