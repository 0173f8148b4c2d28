package io.embedstream.pipeline.operators;

import io.embedstream.connectors.model.Sha256;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * Job-wide totals that a client reads from the running job ({@code JobClient#getAccumulators}) or from its
 * result: how many records were decoded, dead-lettered, received by the batcher, dropped, trained on, and what
 * the trainer's last snapshot and last restore held. The end-to-end and restore tests account for every record
 * with them; the demo prints them.
 */
public final class Accumulators {
    public static final String DECODED = "decoded";
    public static final String DEAD_LETTERED = "dead-lettered";
    public static final String BATCHER_INGESTED = "batcher-ingested";
    public static final String BATCHER_DROPPED = "batcher-dropped";
    /** Images trained on as they arrived (replayed copies not counted). */
    public static final String TRAINED_FRESH = "trained-fresh";
    public static final String SNAPSHOT_STEP = "snapshot-step";
    public static final String SNAPSHOT_PARAMETERS_DIGEST = "snapshot-parameters-digest";
    public static final String RESTORED_STEP = "restored-step";
    public static final String RESTORED_PARAMETERS_DIGEST = "restored-parameters-digest";

    private Accumulators() {}

    /** A counter from a map of accumulator results (0 before the operator reported it). */
    public static long value(java.util.Map<String, Object> results, String name) {
        Object v = results.get(name);
        return v == null ? 0 : ((Number) v).longValue();
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

    /** The first 8 bytes of the SHA-256 of {@code bytes}, as a long: compares parameter sets through a long. */
    public static long digest(byte[] bytes) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(Sha256.hex(bytes).substring(0, 16))).getLong();
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
