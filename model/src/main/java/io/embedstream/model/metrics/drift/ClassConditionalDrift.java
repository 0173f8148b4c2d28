package io.embedstream.model.metrics.drift;

import io.embedstream.model.random.Rng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Class-conditional drift: one ERT-calibrated {@link ErtMmdDetector} per class, comparing the class's rows in
 * each window with the class's reference rows, so that drift inside one class is named.
 *
 * <p>Why per-class ERT detectors rather than a per-window permutation test per class with a Bonferroni
 * correction: the stream asks the same question every window, and a per-window test at level alpha raises a
 * false alarm every 1/alpha windows whatever the correction across classes; the ERT detectors state that
 * rate in windows, like the covariate detector, and share its incremental cost (each window adds about
 * b x (class reference rows) x d multiply-adds per class, and a class's detector only sees that class's
 * rows). The false-alarm budget is split over the K monitored classes: each runs at ERT = K x the family
 * ERT. A class with fewer than {@link ClassDriftConfig#minReferenceRows()} reference rows is not monitored;
 * a window with fewer than b rows of a class does not test it (its detector's clock does not move).
 *
 * <p>Not thread-safe; {@link #state()} and {@link #restore(ReferenceSample, ClassDriftConfig, ClassDriftState)}
 * checkpoint it.
 */
public final class ClassConditionalDrift {
    private final ClassDriftConfig config;
    private final TreeMap<Integer, ErtMmdDetector> detectors;
    private final Map<Integer, String> unmonitored;
    private final int d;

    private ClassConditionalDrift(ClassDriftConfig config, Map<Integer, String> unmonitored,
                                  TreeMap<Integer, ErtMmdDetector> detectors, int d) {
        this.config = config;
        this.unmonitored = unmonitored;
        this.detectors = detectors;
        this.d = d;
    }

    /** Calibrates one detector per class with enough reference rows (the expensive part). */
    public static ClassConditionalDrift calibrate(ReferenceSample reference, ClassDriftConfig config) {
        Plan plan = plan(reference, config);
        TreeMap<Integer, ErtMmdDetector> detectors = new TreeMap<>();
        plan.configs.forEach((label, c) -> detectors.put(label, ErtMmdDetector.calibrate(c)));
        return new ClassConditionalDrift(config, plan.unmonitored, detectors, reference.d());
    }

    /**
     * Rebuilds from {@link #state()} without re-running any simulation.
     *
     * @throws IllegalArgumentException if the state does not cover exactly the classes this reference and
     *                                  configuration monitor, or a class's state does not fit
     */
    public static ClassConditionalDrift restore(ReferenceSample reference, ClassDriftConfig config, ClassDriftState state) {
        Objects.requireNonNull(state, "state");
        Plan plan = plan(reference, config);
        if (!plan.configs.keySet().equals(state.classes().keySet())) {
            throw new IllegalArgumentException("the state covers classes " + state.classes().keySet()
                    + " but this reference and configuration monitor " + plan.configs.keySet());
        }
        TreeMap<Integer, ErtMmdDetector> detectors = new TreeMap<>();
        plan.configs.forEach((label, c) -> detectors.put(label, ErtMmdDetector.restore(c, state.classes().get(label))));
        return new ClassConditionalDrift(config, plan.unmonitored, detectors, reference.d());
    }

    private record Plan(Map<Integer, ErtMmdConfig> configs, Map<Integer, String> unmonitored) {}

    private static Plan plan(ReferenceSample reference, ClassDriftConfig config) {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(config, "config");
        if (!reference.hasLabels()) {
            throw new IllegalArgumentException("class-conditional drift needs a labelled reference");
        }
        Map<Integer, Long> counts = LabelShiftTest.counts(reference.rawLabels());
        Map<Integer, String> unmonitored = new LinkedHashMap<>();
        List<Integer> monitored = new ArrayList<>();
        counts.forEach((label, count) -> {
            if (count < config.minReferenceRows()) {
                unmonitored.put(label, count + " reference rows, " + config.minReferenceRows() + " needed");
            } else {
                monitored.add(label);
            }
        });
        Map<Integer, ErtMmdConfig> configs = new LinkedHashMap<>();
        long perClassErt = Math.max(2L, (long) config.familyExpectedRunTime() * Math.max(1, monitored.size()));
        if (perClassErt * config.bootstrapsPerErt() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("familyExpectedRunTime " + config.familyExpectedRunTime() + " x "
                    + monitored.size() + " classes x bootstrapsPerErt " + config.bootstrapsPerErt() + " is too many simulations");
        }
        for (int label : monitored) {
            long classSeed = Rng.mix(config.seed() ^ (0x632BE59BD9B4E019L * (label + 1L)));
            ReferenceSample rows = cap(reference.classRows(label), classSeed);
            configs.put(label, ErtMmdConfig.builder(rows).expectedRunTime((int) perClassErt)
                    .windowSteps(config.windowSteps()).rowsPerStep(config.rowsPerStep())
                    .bootstraps((int) (perClassErt * config.bootstrapsPerErt())).seed(classSeed)
                    .stratifyByClass(false).build());
        }
        return new Plan(configs, unmonitored);
    }

    /** At most MAX_REFERENCE_ROWS rows of a class, drawn without replacement (seeded) when it has more. */
    private static ReferenceSample cap(ReferenceSample rows, long seed) {
        int n = rows.n();
        int max = ErtMmdConfig.MAX_REFERENCE_ROWS;
        if (n <= max) {
            return rows;
        }
        int[] perm = new Rng(seed).permutation(n);
        int[] keep = java.util.Arrays.copyOf(perm, max);
        java.util.Arrays.sort(keep);
        int d = rows.d();
        float[] out = new float[max * d];
        for (int i = 0; i < max; i++) {
            System.arraycopy(rows.rawData(), keep[i] * d, out, i * d, d);
        }
        return ReferenceSample.ofFlat(out, max, d, null);
    }

    public ClassDriftConfig config() {
        return config;
    }

    /** Monitored classes, ascending. */
    public List<Integer> monitoredClasses() {
        return List.copyOf(detectors.keySet());
    }

    /** Classes of the reference that are not monitored, with the reason. */
    public Map<Integer, String> unmonitoredClasses() {
        return Collections.unmodifiableMap(unmonitored);
    }

    /** Re-arms every class detector. */
    public void reset() {
        detectors.values().forEach(ErtMmdDetector::reset);
    }

    /**
     * Tests each monitored class that has at least b rows in the window.
     *
     * @throws IllegalArgumentException if a row's length is not the reference's d, the labels do not match the
     *                                  rows or a label is negative; the detectors are then left as they were
     */
    public ClassDriftReport update(float[][] rows, int[] labels) {
        WindowRows.checkLabelled(rows, labels, d);
        return updateChecked(rows, labels);
    }

    /** {@link #update} of a window that {@link WindowRows#checkLabelled} has accepted. */
    ClassDriftReport updateChecked(float[][] rows, int[] labels) {
        Map<Integer, List<float[]>> byClass = new TreeMap<>();
        for (int i = 0; i < rows.length; i++) {
            if (detectors.containsKey(labels[i])) {
                byClass.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(rows[i]);
            }
        }
        List<ClassDriftReport.ClassResult> results = new ArrayList<>();
        for (Map.Entry<Integer, ErtMmdDetector> e : detectors.entrySet()) {
            int label = e.getKey();
            List<float[]> classRows = byClass.getOrDefault(label, List.of());
            int b = config.rowsPerStep();
            if (classRows.size() < b) {
                results.add(new ClassDriftReport.ClassResult(label, classRows.size(), e.getValue().notTested(
                        "not tested: " + classRows.size() + " rows of the class in the window, " + b + " needed")));
            } else {
                results.add(new ClassDriftReport.ClassResult(label, classRows.size(),
                        e.getValue().update(classRows.toArray(new float[0][]))));
            }
        }
        return new ClassDriftReport(results, unmonitored);
    }

    /** Every class detector's state. */
    public ClassDriftState state() {
        Map<Integer, ErtMmdState> states = new TreeMap<>();
        detectors.forEach((label, det) -> states.put(label, det.state()));
        return new ClassDriftState(states);
    }
}
