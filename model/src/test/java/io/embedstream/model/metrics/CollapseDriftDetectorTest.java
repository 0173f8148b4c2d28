package io.embedstream.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.metrics.drift.ClassAwareDriftReport;
import io.embedstream.model.metrics.drift.DriftKind;
import io.embedstream.model.metrics.drift.ErtMmdResult;
import io.embedstream.model.metrics.drift.LabelShiftResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CollapseDriftDetectorTest {
    private static final int N = 512;
    private static final int D = 64;
    private static final int COLLAPSE_START = 10;
    private static final double SQUEEZE_PER_WINDOW = 0.75;
    private static final int COLLAPSE_WINDOWS = 40;
    private static final int RECOVERY_WINDOWS = 10;

    /** Scale of the 62 squeezed dimensions in window t; two dimensions keep unit scale throughout. */
    private static double squeeze(int t) {
        if (t >= COLLAPSE_WINDOWS) {
            return 1.0; // recovery
        }
        return t < COLLAPSE_START ? 1.0 : Math.pow(SQUEEZE_PER_WINDOW, t - COLLAPSE_START + 1);
    }

    /** RankMe of the generating distribution: singular values proportional to (1, 1, s, ..., s). */
    private static double populationEffectiveRank(double s) {
        double[] eig = new double[D];
        eig[0] = 1;
        eig[1] = 1;
        for (int j = 2; j < D; j++) {
            eig[j] = s * s;
        }
        return CollapseAnalyzer.rankMe(eig, 0);
    }

    private static List<WindowReport> collapseSeries() {
        WindowMetrics metrics = WindowMetrics.withDefaults();
        Random rng = new Random(51);
        List<WindowReport> reports = new ArrayList<>();
        for (int t = 0; t < COLLAPSE_WINDOWS + RECOVERY_WINDOWS; t++) {
            float[] x = Synthetic.gaussian(rng, N, D);
            float s = (float) squeeze(t);
            for (int i = 0; i < N; i++) {
                for (int j = 2; j < D; j++) {
                    x[i * D + j] *= s;
                }
            }
            reports.add(metrics.compute(new EmbeddingWindow(x, N, D, Synthetic.roundRobinLabels(N, 4), null)));
        }
        return reports;
    }

    @Test
    void progressiveCollapseIntoTwoDimensionsRaisesAndRecoveryClears() {
        double threshold = 0.1 * D;
        int severe = -1; // first window whose generating distribution is below the threshold
        for (int t = 0; t < COLLAPSE_WINDOWS; t++) {
            if (populationEffectiveRank(squeeze(t)) < threshold) {
                severe = t;
                break;
            }
        }
        assertTrue(severe > COLLAPSE_START, "test setup: collapse must become severe after it starts");
        CollapseDriftDetector detector = CollapseDriftDetector.withDefaults();
        List<AlarmEvent> events = new ArrayList<>();
        List<WindowReport> series = collapseSeries();
        for (WindowReport r : series) {
            events.addAll(detector.observe(r));
        }
        AlarmEvent rankRaised = first(events, AlarmKind.EFFECTIVE_RANK_COLLAPSE, AlarmState.RAISED);
        AlarmEvent rateRaised = first(events, AlarmKind.CODING_RATE_DROP, AlarmState.RAISED);
        System.out.printf("collapse: severe (population effective rank < %.1f) at window %d; sample effective rank there %.2f; "
                + "rank alarm at window %d (delay %d), coding-rate alarm at window %d%n  %s%n  %s%n",
                threshold, severe, series.get(severe).collapse().orElseThrow().effectiveRank(), rankRaised.observation(),
                rankRaised.observation() - severe, rateRaised.observation(), rankRaised.reason(), rateRaised.reason());
        assertTrue(rankRaised.observation() >= COLLAPSE_START, "no alarm before the collapse starts");
        assertTrue(rankRaised.observation() <= severe + 5, "alarm within 5 windows of severe collapse");
        assertTrue(rateRaised.observation() >= COLLAPSE_START);
        assertTrue(rankRaised.reason().contains("effective rank"));
        AlarmEvent rankCleared = first(events, AlarmKind.EFFECTIVE_RANK_COLLAPSE, AlarmState.CLEARED);
        assertTrue(rankCleared.observation() >= COLLAPSE_WINDOWS + 2 && rankCleared.observation() <= COLLAPSE_WINDOWS + 3,
                "cleared after 3 good windows, at " + rankCleared.observation());
        assertTrue(detector.activeAlarms().isEmpty(), "all alarms cleared after recovery: " + detector.activeAlarms());
        assertEquals(1, events.stream().filter(e -> e.kind() == AlarmKind.EFFECTIVE_RANK_COLLAPSE
                && e.state() == AlarmState.RAISED).count(), "hysteresis: raised once");
    }

    @Test
    void thousandStationaryWindowsRaiseNoAlarm() {
        int n = 256;
        int d = 32;
        // Few pairs: the pair-based figures play no part in the detector, and 1,000 windows must stay fast.
        WindowMetrics metrics = new WindowMetrics(MetricsConfig.builder().maxPairs(1000).build(),
                DriftConfig.builder().permutations(100).maxSamplesPerWindow(128).build());
        Random rng = new Random(52);
        int[] labels = Synthetic.roundRobinLabels(n, 4);
        EmbeddingWindow reference = new EmbeddingWindow(Synthetic.gaussian(rng, n, d), n, d, labels, null);
        CollapseDriftDetector detector = CollapseDriftDetector.withDefaults();
        List<AlarmEvent> events = new ArrayList<>();
        int driftRejections = 0;
        long start = System.nanoTime();
        for (int t = 0; t < 1000; t++) {
            WindowReport r = metrics.compute(new EmbeddingWindow(Synthetic.gaussian(rng, n, d), n, d, labels, null), reference);
            if (r.drift().orElseThrow().driftDetected(0.01)) {
                driftRejections++;
            }
            events.addAll(detector.observe(r));
        }
        System.out.printf("1000 stationary windows: %d alarm events, %d single-window MMD rejections at alpha 0.01, %.0f ms%n",
                events.size(), driftRejections, (System.nanoTime() - start) / 1e6);
        assertEquals(List.of(), events);
        assertEquals(1000, detector.windowsObserved());
    }

    @Test
    void thePermutationPValueIsAFigureAndNoLongerRaisesDataDrift() {
        int n = 256;
        int d = 32;
        WindowMetrics metrics = new WindowMetrics(MetricsConfig.defaults(),
                DriftConfig.builder().permutations(100).build());
        Random rng = new Random(53);
        EmbeddingWindow reference = EmbeddingWindow.of(Synthetic.gaussian(rng, n, d), n, d);
        CollapseDriftDetector detector = CollapseDriftDetector.withDefaults();
        List<AlarmEvent> events = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            float[] x = Synthetic.shifted(Synthetic.gaussian(rng, n, d), n, d, 4, 1.0f);
            WindowReport report = metrics.compute(EmbeddingWindow.of(x, n, d), reference);
            assertTrue(report.drift().orElseThrow().pValue() <= 0.01, "the figure still shows the shift");
            events.addAll(detector.observe(report));
        }
        assertTrue(events.stream().noneMatch(e -> e.kind() == AlarmKind.DATA_DRIFT), events.toString());
        assertFalse(detector.thresholds(d).containsKey("drift_p_value"));
    }

    @Test
    void classAwareReportsRaiseAndClearLabelShiftNamingTheClasses() {
        CollapseDriftDetector detector = CollapseDriftDetector.withDefaults();
        ErtMmdResult quiet = new ErtMmdResult(1, OptionalDouble.of(0.01), 0.05, false, OptionalLong.empty(), "");
        LabelShiftResult shifted = new LabelShiftResult(120, 2, 1e-9, 0.3, true,
                List.of(new LabelShiftResult.ClassShare(4, 100, 200, 0.33, 0.66, 9.5)), List.of(), List.of(), 300, "");
        LabelShiftResult same = new LabelShiftResult(1, 2, 0.6, 0.01, false, List.of(), List.of(), List.of(), 300, "");
        List<AlarmEvent> raised = detector.observeClassAwareDrift(new ClassAwareDriftReport(quiet, shifted,
                Optional.empty(), Set.of(DriftKind.LABEL_SHIFT), ""));
        assertEquals(1, raised.size(), raised.toString());
        assertEquals(AlarmKind.LABEL_SHIFT, raised.get(0).kind());
        assertTrue(raised.get(0).reason().contains("class 4 0.330 -> 0.660"), raised.get(0).reason());
        assertEquals(Set.of(AlarmKind.LABEL_SHIFT), detector.activeAlarms());
        for (int t = 0; t < 3; t++) {
            detector.observeClassAwareDrift(new ClassAwareDriftReport(quiet, same, Optional.empty(), Set.of(), ""));
        }
        assertEquals(Set.of(), detector.activeAlarms());

        // On a named stream the reason names the classes as the caller says (issue 16).
        CollapseDriftDetector named = CollapseDriftDetector.withDefaults();
        LabelShiftResult withNew = new LabelShiftResult(120, 2, 1e-9, 0.3, true,
                List.of(new LabelShiftResult.ClassShare(4, 100, 200, 0.33, 0.66, 9.5)), List.of(7), List.of(), 300, "");
        List<AlarmEvent> byName = named.observeClassAwareDrift(new ClassAwareDriftReport(quiet, withNew,
                Optional.empty(), Set.of(DriftKind.LABEL_SHIFT), ""), label -> "'class-" + label + "' (" + label + ")");
        assertTrue(byName.get(0).reason().contains("class 'class-4' (4) 0.330 -> 0.660"), byName.get(0).reason());
        assertTrue(byName.get(0).reason().contains("new classes ['class-7' (7)]"), byName.get(0).reason());
    }

    /** A window only partly shifted: the mix is off as a whole, no class alone by 3 standard errors. */
    @Test
    void aShiftedMixNamesTheClassesThatMovedMostWhenNoneAloneIsThreeStandardErrorsOff() {
        CollapseDriftDetector detector = CollapseDriftDetector.withDefaults();
        ErtMmdResult quiet = new ErtMmdResult(1, OptionalDouble.of(0.01), 0.05, false, OptionalLong.empty(), "");
        LabelShiftResult spread = new LabelShiftResult(37, 9, 2.6e-5, 0.31, true, List.of(
                new LabelShiftResult.ClassShare(2, 30, 20, 0.10, 0.07, -1.8),
                new LabelShiftResult.ClassShare(7, 30, 45, 0.10, 0.15, 2.6),
                new LabelShiftResult.ClassShare(8, 30, 31, 0.10, 0.10, 0.1)), List.of(), List.of(), 300, "");
        List<AlarmEvent> raised = detector.observeClassAwareDrift(new ClassAwareDriftReport(quiet, spread,
                Optional.empty(), Set.of(DriftKind.LABEL_SHIFT), ""));
        assertEquals(1, raised.size(), raised.toString());
        assertTrue(raised.get(0).reason().contains("moved: class 7 0.100 -> 0.150, class 2 0.100 -> 0.070"),
                raised.get(0).reason());
    }

    @Test
    void aSnapshotWrittenBeforeTheClassAwareKindsRestores() throws Exception {
        // Format 1 as written when AlarmKind had four kinds, with DATA_DRIFT raised.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            DetectorConfig c = DetectorConfig.defaults();
            out.writeInt(0x45534344);
            out.writeByte(1);
            out.writeDouble(c.effectiveRankFraction());
            out.writeDouble(c.codingRateFraction());
            out.writeDouble(c.codingRateSmoothing());
            out.writeInt(c.codingRateWarmup());
            out.writeDouble(0.05); // driftAlpha, since retired: read and ignored
            out.writeDouble(c.minCka());
            out.writeInt(c.raiseAfter());
            out.writeInt(c.clearAfter());
            out.writeInt(c.versionRaiseAfter());
            out.writeInt(c.versionClearAfter());
            out.writeLong(12);
            out.writeLong(3);
            out.writeLong(12);
            out.writeDouble(5.0);
            out.writeDouble(6.0);
            out.writeInt(4);
            for (String kind : List.of("EFFECTIVE_RANK_COLLAPSE", "CODING_RATE_DROP", "DATA_DRIFT", "VERSION_DRIFT")) {
                out.writeUTF(kind);
                out.writeInt(kind.equals("DATA_DRIFT") ? 3 : 0);
                out.writeInt(0);
                out.writeBoolean(kind.equals("DATA_DRIFT"));
            }
        }
        CollapseDriftDetector restored = CollapseDriftDetector.restore(bytes.toByteArray());
        assertEquals(12, restored.windowsObserved());
        assertEquals(Set.of(AlarmKind.DATA_DRIFT), restored.activeAlarms());
        assertArrayEquals(restored.snapshot(), CollapseDriftDetector.restore(restored.snapshot()).snapshot());
    }

    @Test
    void theDriftKindsAreTheClassAwareOnesAndCannotBeChanged() {
        assertEquals(List.of(AlarmKind.DATA_DRIFT, AlarmKind.LABEL_SHIFT, AlarmKind.CLASS_DRIFT),
                List.copyOf(AlarmKind.DRIFT));
        assertThrows(UnsupportedOperationException.class, () -> AlarmKind.DRIFT.add(AlarmKind.VERSION_DRIFT));
    }

    @Test
    void aSnapshotKeepsTheRetiredDriftAlphaSlotForOlderReaders() throws Exception {
        // Format 1 had DetectorConfig.driftAlpha after codingRateWarmup; a reader of that time checks it is in
        // (0, 1), so the slot stays, holding the old default.
        byte[] snapshot = CollapseDriftDetector.withDefaults().snapshot();
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(snapshot))) {
            in.skipNBytes(4 + 1 + 3 * 8 + 4);
            assertEquals(0.01, in.readDouble());
            assertEquals(DetectorConfig.defaults().minCka(), in.readDouble());
        }
    }

    @Test
    void reportsWithoutCollapseFiguresLeaveTheCountersAlone() {
        int n = 64;
        int d = 32;
        WindowMetrics metrics = WindowMetrics.withDefaults();
        WindowReport collapsed = metrics.compute(EmbeddingWindow.of(new float[n * d], n, d)); // all identical
        WindowReport empty = metrics.compute(EmbeddingWindow.of(new float[0], 0, d));
        CollapseDriftDetector detector = CollapseDriftDetector.withDefaults();
        assertEquals(List.of(), detector.observe(collapsed));
        assertEquals(List.of(), detector.observe(empty));
        assertEquals(List.of(), detector.observe(collapsed));
        assertEquals(List.of(), detector.observe(empty));
        List<AlarmEvent> third = detector.observe(collapsed);
        assertEquals(1, third.size(), "third bad window raises despite the empty windows in between");
        assertEquals(4, third.get(0).observation());
    }

    @Test
    void lowCkaRaisesVersionDriftAndHighCkaClearsIt() {
        CollapseDriftDetector detector = CollapseDriftDetector.withDefaults();
        List<AlarmEvent> e1 = detector.observeVersionDrift(versionReport(0.95));
        List<AlarmEvent> e2 = detector.observeVersionDrift(versionReport(0.42));
        List<AlarmEvent> e3 = detector.observeVersionDrift(versionReport(0.97));
        assertEquals(List.of(), e1);
        assertEquals(1, e2.size());
        assertEquals(AlarmState.RAISED, e2.get(0).state());
        assertTrue(e2.get(0).reason().contains("0.4200"), e2.get(0).reason());
        assertEquals(AlarmState.CLEARED, e3.get(0).state());
    }

    private static VersionDriftReport versionReport(double cka) {
        return new VersionDriftReport(100, 0, OptionalDouble.of(cka), OptionalDouble.of(0.5), OptionalDouble.of(0.1),
                OptionalDouble.of(0.2), Map.of(), List.of());
    }

    @Test
    void snapshotRestoreContinuesIdentically() {
        List<WindowReport> series = collapseSeries();
        CollapseDriftDetector original = new CollapseDriftDetector(DetectorConfig.builder().raiseAfter(2).build());
        for (int t = 0; t < 22; t++) {
            original.observe(series.get(t));
        }
        original.observeVersionDrift(versionReport(0.5));
        byte[] bytes = original.snapshot();
        CollapseDriftDetector restored = CollapseDriftDetector.restore(bytes);
        assertEquals(original.config(), restored.config());
        assertEquals(original.activeAlarms(), restored.activeAlarms());
        assertArrayEquals(bytes, restored.snapshot());
        for (int t = 22; t < series.size(); t++) {
            assertEquals(original.observe(series.get(t)), restored.observe(series.get(t)), "window " + t);
        }
        assertArrayEquals(original.snapshot(), restored.snapshot());
    }

    @Test
    void corruptSnapshotsAreRejectedClearly() {
        byte[] good = CollapseDriftDetector.withDefaults().snapshot();
        assertThrows(IllegalArgumentException.class, () -> CollapseDriftDetector.restore(new byte[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class,
                () -> CollapseDriftDetector.restore(java.util.Arrays.copyOf(good, good.length - 3)));
        assertThrows(IllegalArgumentException.class,
                () -> CollapseDriftDetector.restore(java.util.Arrays.copyOf(good, good.length + 1)));
    }

    private static AlarmEvent first(List<AlarmEvent> events, AlarmKind kind, AlarmState state) {
        return events.stream().filter(e -> e.kind() == kind && e.state() == state).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + state + " in " + events));
    }
}
