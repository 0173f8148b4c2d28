package io.embedstream.model.metrics;

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
 *   <li>{@link AlarmKind#DATA_DRIFT}: MMD p-value &lt;= driftAlpha (reports that carry a drift test);</li>
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
     * {@code drift_p_value} and {@code version_cka}.
     */
    public Map<String, Double> thresholds(int dimension) {
        Map<String, Double> thresholds = new LinkedHashMap<>();
        thresholds.put("effective_rank", config.effectiveRankFraction() * dimension);
        if (codingRateSamples > config.codingRateWarmup()) {
            thresholds.put("coding_rate", config.codingRateFraction() * codingRatePeak);
        }
        thresholds.put("drift_p_value", config.driftAlpha());
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
        report.drift().ifPresent(dr -> {
            boolean bad = dr.pValue() <= config.driftAlpha();
            transition(events, AlarmKind.DATA_DRIFT, bad, index, config.raiseAfter(), config.clearAfter(),
                    String.format(Locale.ROOT, "MMD p-value %.4f %s alpha %.4f (MMD^2 %.5f, %d vs %d rows)", dr.pValue(),
                            bad ? "<=" : ">", config.driftAlpha(), dr.mmd2(), dr.currentSize(), dr.referenceSize()));
        });
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
            out.writeDouble(config.driftAlpha());
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
            DetectorConfig config = new DetectorConfig(in.readDouble(), in.readDouble(), in.readDouble(), in.readInt(),
                    in.readDouble(), in.readDouble(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
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
