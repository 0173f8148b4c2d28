package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.metrics.drift.ClassAwareDriftReport;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.DriftSettings;
import io.embedstream.pipeline.config.MetricsSettings;
import io.embedstream.pipeline.types.ScoredImage;
import io.embedstream.types.LabeledImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * The drift detectors are calibrated off the metrics operator's thread: calibrating ten class-conditional detectors
 * took over 15 s on a 2-core machine, and on the task thread it held up the metrics operator and, through
 * back-pressure, the trainer. A window that closes while the calibration runs gets no verdict and a note, at once;
 * the first window after it gets the verdict of the detectors a calibration on the caller's thread makes.
 */
class DriftCalibrationOffTheTaskThreadTest {
    private static final TrainerConfig TRAINER = TrainerConfig.builder().build();
    private static final DriftSettings SETTINGS = new DriftSettings(200, 50, 1, 16, 0);
    private static final int SAMPLE = 64;

    /** Holds the tasks given to it until the test runs them. */
    private static final class HeldTasks implements Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }
    }

    @Test
    void windowsThatCloseWhileCalibratingAreNotHeldUpAndTheNextOneHasTheVerdict() {
        List<ScoredImage> images = new ArrayList<>();
        for (LabeledImage image : SyntheticShapes.builder().seed(7).build().generate(200 + 3 * SAMPLE)) {
            images.add(ScoredImage.of(image, 0.9f));
        }
        byte[] parameters;
        try (EmbeddingModel m = EmbeddingModel.create(TRAINER.network(), Device.cpu(), 1)) {
            parameters = m.parametersToBytes();
        }
        HeldTasks held = new HeldTasks();
        MetricsOperator.MetricsState offThread = state(images);
        MetricsOperator.MetricsState onThread = state(images);
        DriftSamples offThreadSamples = samples(offThread);
        DriftSamples onThreadSamples = samples(onThread);
        CalibratedDriftCheck background = check(offThread, held);
        CalibratedDriftCheck inline = check(onThread, Runnable::run);
        try (MetricsModel latest = new MetricsModel(TRAINER, "cpu")) {
            latest.load(1, parameters);
            WindowSample first = new WindowSample(images.subList(200, 200 + SAMPLE));
            List<String> notes = new ArrayList<>();
            assertTrue(background.update(latest, offThreadSamples, first, notes).isEmpty(),
                    "no verdict while the detectors are being calibrated");
            assertTrue(background.calibrating());
            assertEquals(1, held.tasks.size(), "the calibration went to the executor, not run on this thread");
            assertTrue(notes.stream().anyMatch(n -> n.contains("calibrating on a reference of 200 images")), notes.toString());

            WindowSample second = new WindowSample(images.subList(200 + SAMPLE, 200 + 2 * SAMPLE));
            notes.clear();
            assertTrue(background.update(latest, offThreadSamples, second, notes).isEmpty());
            assertTrue(notes.stream().anyMatch(n -> n.contains("calibrating")), notes.toString());

            held.tasks.poll().run();
            assertFalse(background.calibrating());
            WindowSample third = new WindowSample(images.subList(200 + 2 * SAMPLE, 200 + 3 * SAMPLE));
            Optional<ClassAwareDriftReport> verdict = background.update(latest, offThreadSamples, third, notes);
            assertTrue(verdict.isPresent(), "the first window after the calibration is tested: " + notes);

            // The detectors are those a calibration on the operator's thread makes: same verdict on the same window.
            assertEquals(inline.update(latest, onThreadSamples, third, new ArrayList<>()).orElseThrow(), verdict.get());
            assertArrayEquals(inline.monitor().orElseThrow().covariateDetector().thresholds(),
                    background.monitor().orElseThrow().covariateDetector().thresholds());
        } finally {
            background.close();
            inline.close();
        }
    }

    @Test
    void aRestoreWhileCalibratingCalibratesAgainOffTheThread() {
        MetricsOperator.MetricsState state = new MetricsOperator.MetricsState();
        java.util.Random rng = new java.util.Random(3);
        state.driftReferenceEmbeddings = new float[200][8];
        state.driftReferenceLabels = new int[200];
        for (int i = 0; i < 200; i++) {
            for (int j = 0; j < 8; j++) {
                state.driftReferenceEmbeddings[i][j] = (float) rng.nextGaussian();
            }
            state.driftReferenceLabels[i] = i % 4;
        }
        state.driftReferenceVersion = 3;
        state.driftReferenceParameters = new byte[] {1};
        HeldTasks held = new HeldTasks();
        CalibratedDriftCheck restored = check(state, held);
        assertTrue(restored.monitor().isEmpty(), "the constructor did not calibrate on the task thread");
        assertEquals(1, held.tasks.size());
        held.tasks.poll().run();
        assertTrue(restored.monitor().isPresent());
        restored.close();
    }

    private static MetricsOperator.MetricsState state(List<ScoredImage> images) {
        MetricsOperator.MetricsState state = new MetricsOperator.MetricsState();
        state.reference.addAll(images.subList(0, 200));
        return state;
    }

    private static DriftSamples samples(MetricsOperator.MetricsState state) {
        return new DriftSamples(state, 0, SAMPLE, 200);
    }

    private static CalibratedDriftCheck check(MetricsOperator.MetricsState state, Executor executor) {
        return new CalibratedDriftCheck(state, SETTINGS, TRAINER, SAMPLE, MetricsSettings.DEFAULT_DEVICE,
                new ClassIndexLookup(state), executor);
    }
}
