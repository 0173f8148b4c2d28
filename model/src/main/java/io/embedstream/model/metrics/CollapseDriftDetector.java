package io.embedstream.model.metrics;

import io.embedstream.model.metrics.drift.ClassAwareDriftReport;
import io.embedstream.model.metrics.drift.ClassDriftReport;
import io.embedstream.model.metrics.drift.ErtMmdResult;
import io.embedstream.model.metrics.drift.LabelShiftResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the series of {@link WindowReport}s (and of {@link VersionDriftReport}s) into alarms with
 * hysteresis. Rules, with thresholds from {@link DetectorConfig}:
 * <ul>
 *   <li>{@link AlarmKind#EFFECTIVE_RANK_COLLAPSE}: effective rank &lt; effectiveRankFraction x d;</li>
 *   <li>{@link AlarmKind#CODING_RATE_DROP}: coding rate &lt; codingRateFraction x reference, where the
 *       reference is the highest value its exponential moving average has reached. The peak, not the
 *       average itself, so that a slow collapse cannot drag its own reference down; call
 *       {@link #resetCodingRateReference()} after an intended change (new architecture, window size);</li>
 *   <li>{@link AlarmKind#DATA_DRIFT}, {@link AlarmKind#LABEL_SHIFT}, {@link AlarmKind#CLASS_DRIFT}: from a
 *       {@link ClassAwareDriftReport} ({@link #observeClassAwareDrift}); the permutation p-value of
 *       {@link WindowReport#drift()} is a figure only;</li>
 *   <li>{@link AlarmKind#VERSION_DRIFT}: linear CKA between versions &lt; minCka.</li>
 * </ul>
 * Each alarm is raised after raiseAfter consecutive bad observations and cleared after clearAfter good
 * ones. An observation in which a rule's figure is unavailable leaves that rule's counters untouched.
 *
 * <p>Not thread-safe: one instance per keyed stream. Its whole state, configuration included, is
 * {@link #snapshot()}-able to bytes for checkpointing and {@link #restore(byte[])}-able.
 */
public final class CollapseDriftDetector {
    private static final int MAGIC = 0x45534344; // "ESCD"
    private static final byte FORMAT_VERSION = 1;
    /**
     * Format 1 has a double where DetectorConfig once kept driftAlpha (no longer a setting: DATA_DRIFT comes from
     * the calibrated detectors). Snapshots still write it, with the old default, so that an older reader, which
     * checks it is in (0, 1), can restore them; restore reads and ignores it.
     */
    private static final double RETIRED_DRIFT_ALPHA = 0.01;

    private final DetectorConfig config;
    private final Map<AlarmKind, Hysteresis> states = new EnumMap<>(AlarmKind.class);
    private long windows;
    private long versionComparisons;
    private long codingRateSamples;
    private double codingRateEma;
    private double codingRatePeak;

    public CollapseDriftDetector(DetectorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        for (AlarmKind kind : AlarmKind.values()) {
            states.put(kind, new Hysteresis());
        }
    }

    public static CollapseDriftDetector withDefaults() {
        return new CollapseDriftDetector(DetectorConfig.defaults());
    }

    public DetectorConfig config() {
        return config;
    }

    /** Alarms currently raised. */
    public Set<AlarmKind> activeAlarms() {
        Set<AlarmKind> active = EnumSet.noneOf(AlarmKind.class);
        states.forEach((k, h) -> {
            if (h.raised) {
                active.add(k);
            }
        });
        return active;
    }

    /**
     * The threshold each rule applies now, by name, so that monitoring can show a figure beside the line it must not
     * cross: {@code effective_rank} (for embeddings of {@code dimension}), {@code coding_rate} (once warmed up),
     * and {@code version_cka}. The data-drift rules' thresholds belong to the calibrated drift detectors
     * ({@code ErtMmdDetector#threshold}).
     */
    public Map<String, Double> thresholds(int dimension) {
        Map<String, Double> thresholds = new LinkedHashMap<>();
        thresholds.put("effective_rank", config.effectiveRankFraction() * dimension);
        if (codingRateSamples > config.codingRateWarmup()) {
            thresholds.put("coding_rate", config.codingRateFraction() * codingRatePeak);
        }
        thresholds.put("version_cka", config.minCka());
        return thresholds;
    }

    /** Windows observed so far. */
    public long windowsObserved() {
        return windows;
    }

    /** Forgets the coding-rate reference; the rule warms up again. */
    public void resetCodingRateReference() {
        codingRateSamples = 0;
        codingRateEma = 0;
        codingRatePeak = 0;
        states.put(AlarmKind.CODING_RATE_DROP, new Hysteresis());
    }

    /** Feeds one window's report; returns the alarm transitions it caused (usually none). */
    public List<AlarmEvent> observe(WindowReport report) {
        Objects.requireNonNull(report, "report");
        long index = windows++;
        List<AlarmEvent> events = new ArrayList<>(2);
        report.collapse().ifPresent(c -> {
            double threshold = config.effectiveRankFraction() * report.dimension();
            boolean bad = c.effectiveRank() < threshold;
            transition(events, AlarmKind.EFFECTIVE_RANK_COLLAPSE, bad, index, config.raiseAfter(), config.clearAfter(),
                    String.format(Locale.ROOT, "effective rank %.2f %s %.2f (%.2f x d=%d)", c.effectiveRank(),
                            bad ? "<" : ">=", threshold, config.effectiveRankFraction(), report.dimension()));
            observeCodingRate(c.codingRate(), index, events);
        });
        // The per-window permutation p-value (report.drift()) is a figure only: DATA_DRIFT comes from
        // observeClassAwareDrift, whose detector is calibrated to an expected run time between false alarms.
        return events;
    }

    /**
     * Feeds the class-aware drift monitor's verdict on the window last given to {@link #observe(WindowReport)}.
     * DATA_DRIFT, LABEL_SHIFT and CLASS_DRIFT are raised by the first window that flags them (each test is
     * calibrated per window: the ERT detectors to one false alarm per expected run time, the label-shift test at
     * alpha = 1/ERT) and cleared after {@code clearAfter} consecutive windows that do not. An untested part leaves
     * its alarm untouched.
     */
    public List<AlarmEvent> observeClassAwareDrift(ClassAwareDriftReport report) {
        return observeClassAwareDrift(report, Integer::toString);
    }

    /**
     * As {@link #observeClassAwareDrift(ClassAwareDriftReport)}, the alarm reasons naming each class by
     * {@code className} (e.g. a stream's class name with its index) instead of its index alone.
     */
    public List<AlarmEvent> observeClassAwareDrift(ClassAwareDriftReport report,
                                                   java.util.function.IntFunction<String> className) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(className, "className");
        long index = Math.max(0, windows - 1);
        List<AlarmEvent> events = new ArrayList<>(3);
        ErtMmdResult cov = report.covariate();
        if (cov.tested()) {
            boolean bad = cov.drift();
            transition(events, AlarmKind.DATA_DRIFT, bad, index, 1, config.clearAfter(),
                    String.format(Locale.ROOT, "class-stratified MMD^2 %.4g %s threshold %.4g at step %d", cov.statistic().getAsDouble(),
                            bad ? ">" : "<=", cov.threshold(), cov.step()));
        }
        LabelShiftResult shift = report.labelShift();
        if (shift.tested()) {
            boolean bad = shift.shifted();
            StringBuilder reason = new StringBuilder(String.format(Locale.ROOT,
                    "class mix chi2 %.1f (df %d), p %.3g, total variation %.3f", shift.statistic(),
                    shift.degreesOfFreedom(), shift.pValue(), shift.totalVariation()));
            List<LabelShiftResult.ClassShare> moved = shift.movedClasses(3.0);
            if (moved.isEmpty() && bad) {
                // A mix can be off as a whole while no class alone is 3 standard errors off (a window that is only
                // partly shifted): the alarm still names the classes that moved most.
                moved = shift.movedClasses(0.0);
            }
            for (int i = 0; i < Math.min(5, moved.size()); i++) {
                LabelShiftResult.ClassShare c = moved.get(i);
                reason.append(String.format(Locale.ROOT, "%s class %s %.3f -> %.3f", i == 0 ? "; moved:" : ",",
                        className.apply(c.label()), c.referenceShare(), c.windowShare()));
            }
            if (!shift.newClasses().isEmpty()) {
                reason.append("; new classes ").append(shift.newClasses().stream().map(className::apply).toList());
            }
            transition(events, AlarmKind.LABEL_SHIFT, bad, index, 1, config.clearAfter(), reason.toString());
        }
        report.classes().ifPresent(classes -> {
            if (classes.classes().stream().noneMatch(c -> c.result().tested())) {
                return;
            }
            List<Integer> drifting = classes.drifting();
            StringBuilder reason = new StringBuilder(drifting.isEmpty() ? "no class drifting"
                    : "drifting classes " + drifting.stream().map(className::apply).toList() + ":");
            for (ClassDriftReport.ClassResult c : classes.classes()) {
                if (c.result().drift()) {
                    reason.append(String.format(Locale.ROOT, " %s (MMD^2 %.3g > %.3g)", className.apply(c.label()),
                            c.result().statistic().getAsDouble(), c.result().threshold()));
                }
            }
            transition(events, AlarmKind.CLASS_DRIFT, !drifting.isEmpty(), index, 1, config.clearAfter(),
                    reason.toString());
        });
        return events;
    }

    /**
     * Resets the {@link AlarmKind#DRIFT} kinds (DATA_DRIFT, LABEL_SHIFT and CLASS_DRIFT) for a new reference; returns a CLEARED event, with
     * {@code why} as its reason, for each of them that was raised.
     */
    public List<AlarmEvent> resetDriftAlarms(String why) {
        List<AlarmEvent> events = new ArrayList<>(3);
        for (AlarmKind kind : AlarmKind.DRIFT) {
            if (states.get(kind).raised) {
                events.add(new AlarmEvent(kind, AlarmState.CLEARED, Math.max(0, windows - 1), kind + " cleared: " + why));
            }
            states.put(kind, new Hysteresis());
        }
        return events;
    }

    /** Feeds one comparison of consecutive model versions on the probe set. */
    public List<AlarmEvent> observeVersionDrift(VersionDriftReport report) {
        Objects.requireNonNull(report, "report");
        long index = versionComparisons++;
        List<AlarmEvent> events = new ArrayList<>(1);
        report.linearCka().ifPresent(cka -> {
            boolean bad = cka < config.minCka();
            String overlap = report.knnOverlap().isPresent()
                    ? String.format(Locale.ROOT, ", kNN overlap %.3f", report.knnOverlap().getAsDouble()) : "";
            transition(events, AlarmKind.VERSION_DRIFT, bad, index, config.versionRaiseAfter(), config.versionClearAfter(),
                    String.format(Locale.ROOT, "linear CKA %.4f %s %.4f%s", cka, bad ? "<" : ">=", config.minCka(), overlap));
        });
        return events;
    }

    private void observeCodingRate(double rate, long index, List<AlarmEvent> events) {
        codingRateSamples++;
        codingRateEma = codingRateSamples == 1 ? rate
                : config.codingRateSmoothing() * rate + (1 - config.codingRateSmoothing()) * codingRateEma;
        // The current window is judged against the reference before it can raise it.
        double reference = codingRatePeak;
        codingRatePeak = Math.max(codingRatePeak, codingRateEma);
        if (codingRateSamples <= config.codingRateWarmup()) {
            return;
        }
        double threshold = config.codingRateFraction() * reference;
        boolean bad = rate < threshold;
        transition(events, AlarmKind.CODING_RATE_DROP, bad, index, config.raiseAfter(), config.clearAfter(),
                String.format(Locale.ROOT, "coding rate %.3f %s %.3f (%.2f x reference %.3f)", rate, bad ? "<" : ">=",
                        threshold, config.codingRateFraction(), reference));
    }

    private void transition(List<AlarmEvent> events, AlarmKind kind, boolean bad, long index, int raiseAfter,
                            int clearAfter, String figures) {
        Hysteresis h = states.get(kind);
        AlarmState change = h.update(bad, raiseAfter, clearAfter);
        if (change != null) {
            int run = change == AlarmState.RAISED ? raiseAfter : clearAfter;
            events.add(new AlarmEvent(kind, change, index,
                    kind + " " + change.name().toLowerCase(Locale.ROOT) + " after " + run + " consecutive "
                            + (change == AlarmState.RAISED ? "bad" : "good") + " observation(s); latest: " + figures));
        }
    }

    /** The detector's full state, configuration included, as bytes (a versioned binary format). */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeByte(FORMAT_VERSION);
            out.writeDouble(config.effectiveRankFraction());
            out.writeDouble(config.codingRateFraction());
            out.writeDouble(config.codingRateSmoothing());
            out.writeInt(config.codingRateWarmup());
            out.writeDouble(RETIRED_DRIFT_ALPHA);
            out.writeDouble(config.minCka());
            out.writeInt(config.raiseAfter());
            out.writeInt(config.clearAfter());
            out.writeInt(config.versionRaiseAfter());
            out.writeInt(config.versionClearAfter());
            out.writeLong(windows);
            out.writeLong(versionComparisons);
            out.writeLong(codingRateSamples);
            out.writeDouble(codingRateEma);
            out.writeDouble(codingRatePeak);
            out.writeInt(AlarmKind.values().length);
            for (AlarmKind kind : AlarmKind.values()) {
                Hysteresis h = states.get(kind);
                out.writeUTF(kind.name());
                out.writeInt(h.consecutiveBad);
                out.writeInt(h.consecutiveGood);
                out.writeBoolean(h.raised);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen with an in-memory stream", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Rebuilds a detector from {@link #snapshot()} bytes.
     *
     * @throws IllegalArgumentException if the bytes are not a detector snapshot of a known format
     */
    public static CollapseDriftDetector restore(byte[] snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a CollapseDriftDetector snapshot (bad magic)");
            }
            byte format = in.readByte();
            if (format != FORMAT_VERSION) {
                throw new IllegalArgumentException("unsupported detector snapshot format " + format);
            }
            double effectiveRankFraction = in.readDouble();
            double codingRateFraction = in.readDouble();
            double codingRateSmoothing = in.readDouble();
            int codingRateWarmup = in.readInt();
            in.readDouble(); // RETIRED_DRIFT_ALPHA
            DetectorConfig config = new DetectorConfig(effectiveRankFraction, codingRateFraction, codingRateSmoothing,
                    codingRateWarmup, in.readDouble(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
            CollapseDriftDetector d = new CollapseDriftDetector(config);
            d.windows = in.readLong();
            d.versionComparisons = in.readLong();
            d.codingRateSamples = in.readLong();
            d.codingRateEma = in.readDouble();
            d.codingRatePeak = in.readDouble();
            int kinds = in.readInt();
            for (int i = 0; i < kinds; i++) {
                String name = in.readUTF();
                Hysteresis h = new Hysteresis();
                h.consecutiveBad = in.readInt();
                h.consecutiveGood = in.readInt();
                h.raised = in.readBoolean();
                d.states.put(AlarmKind.valueOf(name), h);
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("detector snapshot has " + in.available() + " trailing bytes");
            }
            return d;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or corrupt detector snapshot", e);
        }
    }
}
