package io.embedstream.model.metrics.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.random.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Five Gaussian classes in d = 16 whose means sit 3 standard deviations apart on their own axes, so that a new
 * class mix moves the marginal distribution of the embeddings a lot.
 */
class ClassAwareDriftMonitorTest {
    private static final int D = 16;
    private static final int CLASSES = 5;
    private static final float SEPARATION = 3f;
    private static final int WINDOW = 300;

    private static ClassAwareDriftConfig config;
    private static ClassAwareDriftState initial;

    @BeforeAll
    static void calibrate() {
        Rng rng = new Rng(2024);
        int[] labels = Streams.labels(rng, 2500, Streams.uniform(CLASSES));
        ReferenceSample reference = ReferenceSample.of(Streams.clustered(rng, labels, D, SEPARATION), labels);
        ErtMmdConfig covariate = ErtMmdConfig.builder(reference).expectedRunTime(500).windowSteps(2).rowsPerStep(20)
                .seed(5).build();
        config = ClassAwareDriftConfig.of(covariate).withClassDrift(new ClassDriftConfig(500, 2, 16, 20, 5));
        long start = System.nanoTime();
        initial = ClassAwareDriftMonitor.calibrate(config).state();
        System.out.printf(java.util.Locale.ROOT, "class-aware monitor calibrated in %.0f ms (%d classes, d=%d)%n",
                (System.nanoTime() - start) / 1e6, CLASSES, D);
    }

    private static ClassAwareDriftMonitor fresh() {
        return ClassAwareDriftMonitor.restore(config, initial);
    }

    @Test
    void labelShiftAloneIsFlaggedAsLabelShiftNotAsDataDrift() {
        ClassAwareDriftMonitor monitor = fresh();
        ErtMmdConfig unstratifiedConfig = new ErtMmdConfig(config.covariate().reference(), 500, 2, 20,
                config.covariate().bootstraps(), config.covariate().bandwidth(), 5, false);
        ErtMmdDetector unstratified = ErtMmdDetector.calibrate(unstratifiedConfig);
        Rng stream = new Rng(99);
        double[] skewed = {0.6, 0.1, 0.1, 0.1, 0.1};
        int windows = 20;
        int labelShifts = 0;
        int dataDrifts = 0;
        int classDrifts = 0;
        long unstratifiedAlarm = -1;
        for (int t = 0; t < windows; t++) {
            int[] y = Streams.labels(stream, WINDOW, skewed);
            float[][] x = Streams.clustered(stream, y, D, SEPARATION);
            ClassAwareDriftReport report = monitor.update(x, y);
            labelShifts += report.flagged().contains(DriftKind.LABEL_SHIFT) ? 1 : 0;
            dataDrifts += report.flagged().contains(DriftKind.DATA_DRIFT) ? 1 : 0;
            classDrifts += report.flagged().contains(DriftKind.CLASS_DRIFT) ? 1 : 0;
            if (t == 0) {
                System.out.println("label shift only, first window: " + report.summary());
                assertEquals(0, report.labelShift().movedClasses(3.0).get(0).label(), "class 0 went from 20% to 60%");
            }
            ErtMmdResult plain = unstratified.update(x);
            if (plain.drift() && unstratifiedAlarm < 0) {
                unstratifiedAlarm = plain.step();
            }
        }
        System.out.printf("label shift only, %d windows: LABEL_SHIFT %d, DATA_DRIFT %d, CLASS_DRIFT %d; an unstratified"
                + " ERT detector alarms at window %d%n", windows, labelShifts, dataDrifts, classDrifts, unstratifiedAlarm);
        assertEquals(windows, labelShifts);
        assertEquals(0, dataDrifts);
        assertEquals(0, classDrifts);
        assertTrue(unstratifiedAlarm >= 1 && unstratifiedAlarm <= 2,
                "without stratification the same windows raise covariate drift: " + unstratifiedAlarm);
    }

    @Test
    void driftInsideOneClassNamesThatClass() {
        ClassAwareDriftMonitor monitor = fresh();
        Rng stream = new Rng(123);
        int drifted = 3;
        Set<Integer> named = new TreeSet<>();
        long firstNamed = -1;
        int windows = 12;
        for (int t = 1; t <= windows; t++) {
            int[] y = Streams.labels(stream, WINDOW, Streams.uniform(CLASSES));
            float[][] x = Streams.clustered(stream, y, D, SEPARATION);
            for (int i = 0; i < y.length; i++) {
                if (y[i] == drifted) {
                    for (int j = 8; j < 12; j++) {
                        x[i][j] += 1f; // one standard deviation in 4 of 16 dimensions, class 3 only
                    }
                }
            }
            ClassAwareDriftReport report = monitor.update(x, y);
            List<Integer> now = report.classes().orElseThrow().drifting();
            named.addAll(now);
            if (!now.isEmpty() && firstNamed < 0) {
                firstNamed = t;
                System.out.println("drift inside class 3, window " + t + ": " + report.summary());
            }
            assertFalse(report.flagged().contains(DriftKind.LABEL_SHIFT), "window " + t + ": " + report.summary());
        }
        System.out.printf("drift inside class %d: named %s first at window %d%n", drifted, named, firstNamed);
        assertEquals(Set.of(drifted), named);
        assertTrue(firstNamed >= 1 && firstNamed <= 3, "class named at window " + firstNamed);
    }

    @Test
    void driftInsideOneClassStillRaisesDataDrift() {
        // The class Javadoc: the stratified covariate detector compares class-reweighted distributions, so drift
        // inside a class with a quota (here about 4 of the 20 rows per step) still raises DATA_DRIFT, a pure label
        // shift does not. Three standard deviations in 4 of 16 dimensions, class 3 only.
        ClassAwareDriftMonitor monitor = fresh();
        Rng stream = new Rng(321);
        int drifted = 3;
        long firstDataDrift = -1;
        for (int t = 1; t <= 6; t++) {
            int[] y = Streams.labels(stream, WINDOW, Streams.uniform(CLASSES));
            float[][] x = Streams.clustered(stream, y, D, SEPARATION);
            for (int i = 0; i < y.length; i++) {
                if (y[i] == drifted) {
                    for (int j = 8; j < 12; j++) {
                        x[i][j] += 3f;
                    }
                }
            }
            ClassAwareDriftReport report = monitor.update(x, y);
            if (report.flagged().contains(DriftKind.DATA_DRIFT) && firstDataDrift < 0) {
                firstDataDrift = t;
                System.out.println("strong drift inside class 3, window " + t + ": " + report.summary());
            }
            assertFalse(report.flagged().contains(DriftKind.LABEL_SHIFT), "window " + t + ": " + report.summary());
            if (t >= 2) {
                assertEquals(List.of(drifted), report.classes().orElseThrow().drifting(), "window " + t);
            }
        }
        assertTrue(firstDataDrift >= 1 && firstDataDrift <= 3, "DATA_DRIFT first at window " + firstDataDrift);
    }

    @Test
    void aBadWindowIsRejectedBeforeAnyDetectorMoves() {
        ClassAwareDriftMonitor monitor = fresh();
        Rng stream = new Rng(13);
        int[] y = Streams.labels(stream, WINDOW, Streams.uniform(CLASSES));
        float[][] x = Streams.clustered(stream, y, D, SEPARATION);
        monitor.update(x, y);
        byte[] before = monitor.state().toBytes();

        int[] negative = y.clone();
        negative[WINDOW - 1] = -1; // the covariate detector would take it for an unknown class and move on
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> monitor.update(x, negative));
        assertTrue(e.getMessage().contains("negative: -1"), e.getMessage());
        assertArrayEquals(before, monitor.state().toBytes());

        float[][] shortRow = x.clone();
        shortRow[WINDOW - 1] = new float[D - 1];
        assertThrows(IllegalArgumentException.class, () -> monitor.update(shortRow, y));
        assertArrayEquals(before, monitor.state().toBytes());
        assertThrows(IllegalArgumentException.class, () -> monitor.update(x, java.util.Arrays.copyOf(y, WINDOW - 1)));
        assertArrayEquals(before, monitor.state().toBytes());

        ClassAwareDriftMonitor neverSawThem = ClassAwareDriftMonitor.restore(config, ClassAwareDriftState.fromBytes(before));
        int[] next = Streams.labels(stream, WINDOW, Streams.uniform(CLASSES));
        float[][] nextRows = Streams.clustered(stream, next, D, SEPARATION);
        assertEquals(neverSawThem.update(nextRows, next), monitor.update(nextRows, next));
    }

    @Test
    void monitorStateRoundTripsExactly() {
        ClassAwareDriftMonitor uninterrupted = fresh();
        ClassAwareDriftMonitor first = fresh();
        Rng stream = new Rng(7);
        List<int[]> ys = new ArrayList<>();
        List<float[][]> xs = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int[] y = Streams.labels(stream, WINDOW, t < 3 ? Streams.uniform(CLASSES) : new double[] {0.4, 0.3, 0.1, 0.1, 0.1});
            ys.add(y);
            xs.add(Streams.clustered(stream, y, D, SEPARATION));
        }
        List<ClassAwareDriftReport> expected = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            expected.add(uninterrupted.update(xs.get(t), ys.get(t)));
        }
        for (int t = 0; t < 3; t++) {
            first.update(xs.get(t), ys.get(t));
        }
        ClassAwareDriftMonitor restored = ClassAwareDriftMonitor.restore(config, first.state());
        for (int t = 3; t < 6; t++) {
            assertEquals(expected.get(t), restored.update(xs.get(t), ys.get(t)));
        }
        assertEquals(uninterrupted.state(), restored.state());
        assertThrows(IllegalArgumentException.class,
                () -> ClassAwareDriftMonitor.restore(config.withoutClassDrift(), initial));
    }

    @Test
    void theStateSurvivesItsByteCodec() {
        ClassAwareDriftMonitor monitor = fresh();
        Rng stream = new Rng(11);
        for (int t = 0; t < 3; t++) {
            int[] y = Streams.labels(stream, WINDOW, Streams.uniform(CLASSES));
            monitor.update(Streams.clustered(stream, y, D, SEPARATION), y);
        }
        ClassAwareDriftState state = monitor.state();
        assertTrue(state.classes().isPresent());
        byte[] bytes = state.toBytes();
        ClassAwareDriftState decoded = ClassAwareDriftState.fromBytes(bytes);
        assertEquals(state, decoded);
        ClassAwareDriftMonitor restored = ClassAwareDriftMonitor.restore(config, decoded);
        int[] y = Streams.labels(stream, WINDOW, Streams.uniform(CLASSES));
        float[][] x = Streams.clustered(stream, y, D, SEPARATION);
        assertEquals(monitor.update(x, y), restored.update(x, y));

        ClassAwareDriftState withoutClasses = new ClassAwareDriftState(state.covariate(), java.util.Optional.empty());
        assertEquals(withoutClasses, ClassAwareDriftState.fromBytes(withoutClasses.toBytes()));
        assertThrows(IllegalArgumentException.class, () -> ClassAwareDriftState.fromBytes(new byte[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class,
                () -> ClassAwareDriftState.fromBytes(java.util.Arrays.copyOf(bytes, bytes.length - 5)));
        byte[] trailing = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(IllegalArgumentException.class, () -> ClassAwareDriftState.fromBytes(trailing));
    }
}
