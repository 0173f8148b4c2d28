package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.pipeline.types.ScoredImage;
import io.embedstream.pipeline.types.StepRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metrics operator's windowing and sampling, without Flink. */
class MetricsWindowsTest {
    private static final int DIMENSION = 2;
    private static final int ROWS_PER_STEP = 4;

    @Test
    void aWindowIsFullAtItsSizeAndTheNextStartsWhereItEnded() {
        MetricsWindows windows = new MetricsWindows(DIMENSION, 2 * ROWS_PER_STEP, 4, 7, 0);
        assertFalse(windows.add(step(1, 10_000)));
        assertTrue(windows.add(step(2, 12_000)));
        assertEquals(2 * ROWS_PER_STEP, windows.current().rows());
        windows.next(1);
        assertEquals(0, windows.current().rows());
        windows.add(step(3, 14_000));
        // The new window's rate runs from the full window's last step, not from this step's own start.
        assertEquals(ROWS_PER_STEP / 2.0, windows.current().imagesPerSecond(), 1e-9);
    }

    @Test
    void aWindowsSampleDependsOnTheSeedAndTheWindowsBeforeIt() {
        List<String> first = sampleIds(new MetricsWindows(DIMENSION, 8, 3, 7, 5));
        assertEquals(first, sampleIds(new MetricsWindows(DIMENSION, 8, 3, 7, 5)));
        assertNotEquals(first, sampleIds(new MetricsWindows(DIMENSION, 8, 3, 7, 6)));
    }

    @Test
    void sampledImagesFillTheProbeSetThenTheReferenceThenTheWindowsSample() {
        MetricsOperator.MetricsState state = new MetricsOperator.MetricsState();
        DriftSamples samples = new DriftSamples(state, 2, 3);
        MetricsWindows windows = new MetricsWindows(DIMENSION, 8, 10, 7, 0);
        for (int i = 0; i < 7; i++) {
            assertEquals(i >= 2, samples.probeComplete());
            samples.add(image(i), windows);
        }
        assertEquals(List.of("0", "1"), state.probe.stream().map(s -> s.id).toList());
        assertEquals(List.of("2", "3", "4"), state.reference.stream().map(s -> s.id).toList());
        assertEquals(List.of("5", "6"), windows.current().sample().stream().map(s -> s.id).toList());
        assertEquals(List.of(1, 1), samples.probe().stream().map(s -> s.label).toList());
    }

    private static List<String> sampleIds(MetricsWindows windows) {
        for (int i = 0; i < 50; i++) {
            windows.addSample(image(i));
        }
        return windows.current().sample().stream().map(s -> s.id).toList();
    }

    private static StepRecord step(long step, long millis) {
        StepRecord r = new StepRecord();
        r.step = step;
        r.applied = true;
        r.componentNames = new String[0];
        r.componentValues = new float[0];
        r.stepNanos = 1_000_000_000L;
        r.timestampMillis = millis;
        r.embeddings = new float[ROWS_PER_STEP * DIMENSION];
        r.labels = new int[ROWS_PER_STEP];
        return r;
    }

    private static ScoredImage image(int i) {
        ScoredImage image = new ScoredImage();
        image.id = Integer.toString(i);
        image.label = 1;
        return image;
    }
}
