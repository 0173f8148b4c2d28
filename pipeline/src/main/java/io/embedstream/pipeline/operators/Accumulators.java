package io.embedstream.pipeline.operators;

import java.util.zip.CRC32C;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * Job-wide totals that a client reads from the running job ({@code JobClient#getAccumulators}) or from its
 * result: how many records were decoded, dead-lettered, received by the batcher, dropped, trained on, and what
 * the trainer's last snapshot and last restore held (step and a digest of the whole training state). The end-to-end and restore tests account for every record
 * with them; the demo prints them.
 */
public final class Accumulators {
    public static final String DECODED = "decoded";
    public static final String DEAD_LETTERED = "dead-lettered";
    public static final String BATCHER_INGESTED = "batcher-ingested";
    public static final String BATCHER_DROPPED = "batcher-dropped";
    /** Images trained on as they arrived (replayed copies not counted). */
    public static final String TRAINED_FRESH = "trained-fresh";
    /** Images kept out of training for the promotion gate (holdout.share). */
    public static final String HELD_OUT = "held-out";
    /**
     * Nanoseconds the batcher spent on records, leaving out the operators chained after it (the trainer's steps):
     * with {@link #BATCHER_INGESTED}, its time per record ({@code bench-classes}).
     */
    public static final String BATCHER_NANOS = "batcher-nanos";
    /** Training steps taken, and the nanoseconds they took (the trainer's own measure of a step). */
    public static final String TRAINER_STEPS = "trainer-steps";
    public static final String TRAINER_STEP_NANOS = "trainer-step-nanos";
    public static final String SNAPSHOT_STEP = "snapshot-step";
    public static final String SNAPSHOT_STATE_DIGEST = "snapshot-state-digest";
    public static final String RESTORED_STEP = "restored-step";
    public static final String RESTORED_STATE_DIGEST = "restored-state-digest";

    private Accumulators() {}

    /** A counter from a map of accumulator results (0 before the operator reported it). */
    public static long value(java.util.Map<String, Object> results, String name) {
        return value(results, name, 0);
    }

    /** An accumulator's value, or {@code absent} before the operator reported it. */
    public static long value(java.util.Map<String, Object> results, String name, long absent) {
        Object v = results.get(name);
        return v == null ? absent : ((Number) v).longValue();
    }

    static LongCounter counter(RuntimeContext context, String name) {
        LongCounter counter = new LongCounter();
        context.addAccumulator(name, counter);
        return counter;
    }

    static LastValue lastValue(RuntimeContext context, String name) {
        LastValue value = new LastValue();
        context.addAccumulator(name, value);
        return value;
    }

    /**
     * CRC-32C of a training state: cheap enough to take at every checkpoint on the task thread, and enough to tell
     * whether a restored trainer holds exactly the state that was saved.
     */
    public static long digest(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return crc.getValue();
    }

    /** A value that is set rather than summed; {@link #UNSET} until set (Flink refuses null accumulator values). */
    public static final class LastValue implements Accumulator<Long, Long> {
        public static final long UNSET = -1;
        private long value = UNSET;

        void set(long v) {
            value = v;
        }

        @Override
        public void add(Long v) {
            value = v;
        }

        @Override
        public Long getLocalValue() {
            return value;
        }

        @Override
        public void resetLocal() {
            value = UNSET;
        }

        @Override
        public void merge(Accumulator<Long, Long> other) {
            if (other.getLocalValue() != UNSET) {
                value = other.getLocalValue();
            }
        }

        @Override
        public LastValue clone() {
            LastValue copy = new LastValue();
            copy.value = value;
            return copy;
        }
    }
}
