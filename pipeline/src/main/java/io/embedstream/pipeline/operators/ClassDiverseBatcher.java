package io.embedstream.pipeline.operators;

import io.embedstream.model.random.Rng;
import io.embedstream.pipeline.config.BatcherConfig;
import io.embedstream.pipeline.types.AuditEntry;
import io.embedstream.pipeline.types.MiniBatch;
import io.embedstream.pipeline.types.ScoredImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Builds class-diverse batches of P classes x K images (see {@link BatcherConfig} for the buffer, replay and
 * timeout policies). All state is keyed state (RocksDB in production): one entry per buffered image, so an insert
 * writes one image, not a whole buffer. The key is the trainer shard; with one trainer every image has key 0.
 */
public final class ClassDiverseBatcher extends KeyedProcessFunction<Integer, ScoredImage, MiniBatch> {
    /** The ids of dropped images, when the audit is on. */
    public static final OutputTag<AuditEntry> AUDIT = new OutputTag<>("batcher-audit") {};
    private static final long SLOT_BITS = 32;

    private final BatcherConfig config;
    private final int classes;
    private final long seed;
    private final boolean audit;

    private transient MapState<Long, ScoredImage> fresh;
    private transient MapState<Long, ScoredImage> replay;
    private transient ValueState<BatcherIndex> index;
    private transient Counter dropped;
    private transient Counter batches;
    private transient Counter replayed;
    private transient LongCounter ingested;
    private transient LongCounter droppedTotal;

    public ClassDiverseBatcher(BatcherConfig config, int classes, long seed) {
        this(config, classes, seed, false);
    }

    /** @param audit emit an {@link AuditEntry} with the id of each dropped image on {@link #AUDIT} */
    public ClassDiverseBatcher(BatcherConfig config, int classes, long seed, boolean audit) {
        this.config = config;
        this.classes = classes;
        this.seed = seed;
        this.audit = audit;
    }

    @Override
    public void open(OpenContext context) {
        TypeInformation<ScoredImage> imageType = TypeInformation.of(ScoredImage.class);
        fresh = getRuntimeContext().getMapState(new MapStateDescriptor<>("fresh", Types.LONG, imageType));
        replay = getRuntimeContext().getMapState(new MapStateDescriptor<>("replay", Types.LONG, imageType));
        index = getRuntimeContext().getState(new ValueStateDescriptor<>("index", TypeInformation.of(BatcherIndex.class)));
        dropped = getRuntimeContext().getMetricGroup().counter("dropped");
        batches = getRuntimeContext().getMetricGroup().counter("batches");
        replayed = getRuntimeContext().getMetricGroup().counter("replayed");
        ingested = Accumulators.counter(getRuntimeContext(), Accumulators.BATCHER_INGESTED);
        droppedTotal = Accumulators.counter(getRuntimeContext(), Accumulators.BATCHER_DROPPED);
    }

    private static long slotKey(int label, int slot) {
        return ((long) label << SLOT_BITS) | slot;
    }

    private BatcherIndex loadIndex() throws Exception {
        BatcherIndex i = index.value();
        return i != null ? i : BatcherIndex.create(classes, seed);
    }

    @Override
    public void processElement(ScoredImage image, Context ctx, Collector<MiniBatch> out) throws Exception {
        BatcherIndex idx = loadIndex();
        if (idx.lastBatchMillis == 0) {
            idx.lastBatchMillis = ctx.timerService().currentProcessingTime();
            ctx.timerService().registerProcessingTimeTimer(idx.lastBatchMillis + config.timeoutMillis());
        }
        int c = image.label;
        idx.ingested++;
        ingested.add(1L);
        int capacity = config.perClassCapacity();
        if (idx.freshCount[c] == capacity) {
            if (!cutBatch(idx, out, ctx, false, true)) {
                // Nothing to mix this class with: drop its oldest image and count it.
                long oldest = slotKey(c, idx.freshHead[c]);
                if (audit) {
                    ctx.output(AUDIT, AuditEntry.of(AuditEntry.DROPPED, idx.batches, false,
                            new String[] {fresh.get(oldest).id}));
                }
                fresh.remove(oldest);
                idx.freshHead[c] = (idx.freshHead[c] + 1) % capacity;
                idx.freshCount[c]--;
                idx.dropped++;
                dropped.inc();
                droppedTotal.add(1L);
            }
        }
        fresh.put(slotKey(c, (idx.freshHead[c] + idx.freshCount[c]) % capacity), image);
        idx.freshCount[c]++;
        offerToReplay(idx, image);
        cutBatch(idx, out, ctx, false, false);
        index.update(idx);
    }

    /** Reservoir sampling (algorithm R) per class. */
    private void offerToReplay(BatcherIndex idx, ScoredImage image) throws Exception {
        int size = config.replayPerClass();
        if (size == 0) {
            return;
        }
        int c = image.label;
        long seen = ++idx.seen[c];
        Rng rng = new Rng(idx.rngState);
        if (seen <= size) {
            replay.put(slotKey(c, (int) (seen - 1)), image);
        } else {
            long j = Math.floorMod(rng.nextLong(), seen);
            if (j < size) {
                replay.put(slotKey(c, (int) j), image);
            }
        }
        idx.rngState = rng.state();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MiniBatch> out) throws Exception {
        BatcherIndex idx = loadIndex();
        if (timestamp - idx.lastBatchMillis >= config.timeoutMillis()) {
            cutBatch(idx, out, ctx, true, false);
        }
        ctx.timerService().registerProcessingTimeTimer(
                Math.max(timestamp, idx.lastBatchMillis) + config.timeoutMillis());
        index.update(idx);
    }

    /**
     * Emits a batch if one can be made: normally when P classes have K fresh images; when {@code overflow} (a
     * buffer is full) or {@code partial} (timeout), with what is there, topped up from the replay reservoir.
     */
    private boolean cutBatch(BatcherIndex idx, Collector<MiniBatch> out, Context ctx, boolean partial,
                             boolean overflow) throws Exception {
        int p = config.classesPerBatch();
        int k = config.samplesPerClass();
        int ready = 0;
        for (int count : idx.freshCount) {
            ready += count >= k ? 1 : 0;
        }
        boolean full = ready >= p;
        if (!full && !partial && !overflow) {
            return false; // the common case, once per record: no sorting, no state access
        }
        Integer[] order = new Integer[classes];
        for (int c = 0; c < classes; c++) {
            order[c] = c;
        }
        // Fullest classes first, ties rotating with the batch count so no class is always last.
        long rotation = idx.batches;
        Arrays.sort(order, (a, b) -> idx.freshCount[a] != idx.freshCount[b]
                ? Integer.compare(idx.freshCount[b], idx.freshCount[a])
                : Long.compare(Math.floorMod(a - rotation, classes), Math.floorMod(b - rotation, classes)));
        List<Integer> chosen = new ArrayList<>();
        int minFresh = full ? k : 1;
        for (int c : order) {
            if (chosen.size() < p && idx.freshCount[c] >= minFresh) {
                chosen.add(c);
            }
        }
        List<Integer> fromReplay = new ArrayList<>();
        if (!full && config.replayPerClass() > 0) {
            for (int c : order) {
                if (chosen.size() + fromReplay.size() < p && !chosen.contains(c) && idx.seen[c] > 0) {
                    fromReplay.add(c);
                }
            }
        }
        if (chosen.isEmpty() || chosen.size() + fromReplay.size() < config.minClasses()) {
            // No fresh image: an idle stream does not train on the replay reservoir alone (the model would keep
            // changing, and overfitting the reservoir, after the data stopped).
            return false;
        }
        List<ScoredImage> images = new ArrayList<>();
        for (int c : chosen) {
            int take = Math.min(k, idx.freshCount[c]);
            for (int i = 0; i < take; i++) {
                long key = slotKey(c, idx.freshHead[c]);
                images.add(fresh.get(key));
                fresh.remove(key);
                idx.freshHead[c] = (idx.freshHead[c] + 1) % config.perClassCapacity();
                idx.freshCount[c]--;
            }
        }
        int replayedCount = 0;
        Rng rng = new Rng(idx.rngState);
        for (int c : fromReplay) {
            int available = (int) Math.min(idx.seen[c], config.replayPerClass());
            for (int i = 0; i < k; i++) {
                images.add(replay.get(slotKey(c, rng.nextInt(available))));
                replayedCount++;
            }
        }
        idx.rngState = rng.state();
        MiniBatch batch = new MiniBatch();
        batch.sequence = ++idx.batches;
        batch.images = images.toArray(new ScoredImage[0]);
        batch.replayed = replayedCount;
        batch.classes = chosen.size() + fromReplay.size();
        batch.partial = !full;
        batch.ingested = idx.ingested;
        batch.dropped = idx.dropped;
        long buffered = 0;
        for (int count : idx.freshCount) {
            buffered += count;
        }
        batch.buffered = buffered;
        batches.inc();
        replayed.inc(replayedCount);
        out.collect(batch);
        // After the batch is handed on: the trainer is chained to the batcher, so this is when its step ended. The
        // timeout then gives the stream its full length to fill the next batch; timed from the cut instead, a step
        // longer than the timeout (a loaded machine) made every later batch a timeout batch of a few fresh images
        // topped up from the replay reservoir.
        idx.lastBatchMillis = ctx.timerService().currentProcessingTime();
        return true;
    }

    /** Per-class ring-buffer positions, reservoir counts, the sampling RNG and counters (Flink POJO). */
    public static class BatcherIndex {
        public int[] freshHead;
        public int[] freshCount;
        public long[] seen;
        public long rngState;
        public long batches;
        public long dropped;
        public long ingested;
        public long lastBatchMillis;

        public BatcherIndex() {}

        static BatcherIndex create(int classes, long seed) {
            BatcherIndex i = new BatcherIndex();
            i.freshHead = new int[classes];
            i.freshCount = new int[classes];
            i.seen = new long[classes];
            i.rngState = seed;
            return i;
        }
    }
}
