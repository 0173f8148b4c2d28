package io.embedstream.pipeline.operators;

import io.embedstream.pipeline.batching.BatchAssembler;
import io.embedstream.pipeline.batching.BatcherIndex;
import io.embedstream.pipeline.batching.BatcherOutput;
import io.embedstream.pipeline.batching.BatcherStores;
import io.embedstream.pipeline.batching.ClassEntry;
import io.embedstream.pipeline.batching.ClassRegistry;
import io.embedstream.pipeline.batching.MapStateStore;
import io.embedstream.pipeline.config.BatcherConfig;
import io.embedstream.connectors.wire.DeadLetter;
import io.embedstream.connectors.wire.DeadLetters;
import io.embedstream.connectors.wire.DecodeResult;
import io.embedstream.connectors.wire.ImageHeaders;
import io.embedstream.connectors.wire.ImageRecord;
import io.embedstream.connectors.wire.ImageRecordEncoder;
import io.embedstream.connectors.wire.RecordSource;
import io.embedstream.pipeline.types.AuditEntry;
import io.embedstream.pipeline.types.KafkaBytesRecord;
import io.embedstream.pipeline.types.MiniBatch;
import io.embedstream.pipeline.types.ScoredImage;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
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
 * Builds class-diverse batches of P classes x K images ({@link BatchAssembler}; {@link BatcherConfig} has the
 * buffer, replay, timeout and bound policies). All state is keyed state (RocksDB in production): one entry per
 * buffered image and per class holding images, and a small index, so a record writes a few entries whatever the
 * number of classes. The key is the trainer shard; with one trainer every image has key 0.
 *
 * <p>Every image passes here, so this is also where class names become indices ({@link ClassRegistry}, in the
 * same keyed state): a new name beyond the capacity goes to the dead-letter side output with its reason. With
 * {@code classes.names} off, labels are integers and the registry is not consulted.
 */
public final class ClassDiverseBatcher extends KeyedProcessFunction<Integer, ScoredImage, MiniBatch> {
    /** The ids of dropped images, when the audit is on. */
    public static final OutputTag<AuditEntry> AUDIT = new OutputTag<>("batcher-audit") {};
    /** Images the class registry refused, for the dead-letter topic. */
    public static final OutputTag<KafkaBytesRecord> DEAD_LETTERS = new OutputTag<>("batcher-dead-letters") {};

    private final BatcherConfig config;
    private final int classCapacity;
    private final long seed;
    private final boolean audit;
    private final String deadLetterTopic;

    private transient BatcherStores stores;
    private transient ValueState<BatcherIndex> index;
    private transient MapStateStore<String, Integer> classIndexStore;
    private transient MapStateStore<Integer, String> classNameStore;
    private transient Counter refused;
    private transient LongCounter deadLetteredTotal;
    private transient Counter dropped;
    private transient Counter batches;
    private transient Counter replayed;
    private transient Counter evictedClasses;
    private transient LongCounter ingested;
    private transient LongCounter droppedTotal;
    private transient LongCounter nanosTotal;
    /** Time spent in the chained operators after this one during the current record (the trainer's steps). */
    private transient long downstreamNanos;

    /**
     * @param classCapacity   most classes the registry holds ({@code classes.max}, the trainer's limit too)
     * @param audit           emit an {@link AuditEntry} with the id of each dropped image on {@link #AUDIT}
     * @param deadLetterTopic where refused images go
     */
    public ClassDiverseBatcher(BatcherConfig config, int classCapacity, long seed, boolean audit,
                               String deadLetterTopic) {
        this.config = config;
        this.classCapacity = classCapacity;
        this.seed = seed;
        this.audit = audit;
        this.deadLetterTopic = deadLetterTopic;
    }

    @Override
    public void open(OpenContext context) {
        TypeInformation<ScoredImage> imageType = TypeInformation.of(ScoredImage.class);
        var state = getRuntimeContext();
        stores = new BatcherStores(
                new MapStateStore<>(state.getMapState(new MapStateDescriptor<>("fresh", Types.LONG, imageType))),
                new MapStateStore<>(state.getMapState(new MapStateDescriptor<>("replay", Types.LONG, imageType))),
                new MapStateStore<>(state.getMapState(new MapStateDescriptor<>("classes", Types.INT,
                        TypeInformation.of(ClassEntry.class)))),
                new MapStateStore<>(state.getMapState(new MapStateDescriptor<>("replay-classes", Types.INT,
                        Types.INT))));
        index = state.getState(new ValueStateDescriptor<>("batcher-index", TypeInformation.of(BatcherIndex.class)));
        classIndexStore = new MapStateStore<>(state.getMapState(
                new MapStateDescriptor<>("class-indices", Types.STRING, Types.INT)));
        classNameStore = new MapStateStore<>(state.getMapState(
                new MapStateDescriptor<>("class-names", Types.INT, Types.STRING)));
        refused = state.getMetricGroup().counter("refused");
        deadLetteredTotal = Accumulators.counter(state, Accumulators.DEAD_LETTERED);
        dropped = state.getMetricGroup().counter("dropped");
        batches = state.getMetricGroup().counter("batches");
        replayed = state.getMetricGroup().counter("replayed");
        evictedClasses = state.getMetricGroup().counter("evicted-classes");
        ingested = Accumulators.counter(state, Accumulators.BATCHER_INGESTED);
        droppedTotal = Accumulators.counter(state, Accumulators.BATCHER_DROPPED);
        nanosTotal = Accumulators.counter(state, Accumulators.BATCHER_NANOS);
    }

    private BatcherIndex loadIndex() throws Exception {
        BatcherIndex i = index.value();
        return i != null ? i : BatcherIndex.create(seed);
    }

    @Override
    public void processElement(ScoredImage image, Context ctx, Collector<MiniBatch> out) throws Exception {
        long start = System.nanoTime();
        downstreamNanos = 0;
        try {
            batch(image, ctx, out);
        } finally {
            nanosTotal.add(System.nanoTime() - start - downstreamNanos);
        }
    }

    private void batch(ScoredImage image, Context ctx, Collector<MiniBatch> out) throws Exception {
        BatcherIndex idx = loadIndex();
        if (idx.lastBatchMillis == 0) {
            idx.lastBatchMillis = ctx.timerService().currentProcessingTime();
            ctx.timerService().registerProcessingTimeTimer(idx.lastBatchMillis + config.timeoutMillis());
        }
        if (config.classNames()) {
            // Only a stream that may name its classes pays for the registry's state reads; integer labels were
            // range-checked by the decoder.
            ClassRegistry.Resolution resolution = new ClassRegistry(classIndexStore, classNameStore, idx,
                    classCapacity).resolve(image.label, image.labelName);
            if (resolution.refused()) {
                refused.inc();
                deadLetteredTotal.add(1L);
                ctx.output(DEAD_LETTERS, deadLetter(image, resolution.refusal()));
                index.update(idx);
                return;
            }
            image.label = resolution.index();
            // Its name in the registry, so that the trainer learns every class's name from the images it trains
            // on (an integer label n is class "n").
            image.labelName = image.className();
        }
        long evictedBefore = idx.evictedClasses;
        BatchAssembler assembler = new BatchAssembler(config, stores, idx, output(idx, ctx, out));
        assembler.add(image);
        assembler.finish();
        ingested.add(1L);
        evictedClasses.inc(idx.evictedClasses - evictedBefore);
        index.update(idx);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MiniBatch> out) throws Exception {
        BatcherIndex idx = loadIndex();
        if (timestamp - idx.lastBatchMillis >= config.timeoutMillis()) {
            BatchAssembler assembler = new BatchAssembler(config, stores, idx, output(idx, ctx, out));
            assembler.cutPartial();
            assembler.finish();
        }
        ctx.timerService().registerProcessingTimeTimer(
                Math.max(timestamp, idx.lastBatchMillis) + config.timeoutMillis());
        index.update(idx);
    }

    private BatcherOutput output(BatcherIndex idx, Context ctx, Collector<MiniBatch> out) {
        return new BatcherOutput() {
            @Override
            public void batch(MiniBatch batch) {
                batches.inc();
                replayed.inc(batch.replayed);
                long handedOn = System.nanoTime();
                out.collect(batch);
                downstreamNanos += System.nanoTime() - handedOn;
                // After the batch is handed on: the trainer is chained to the batcher, so this is when its step
                // ended. The timeout then gives the stream its full length to fill the next batch; timed from the
                // cut instead, a step longer than the timeout (a loaded machine) made every later batch a timeout
                // batch of a few fresh images topped up from the replay reservoir.
                idx.lastBatchMillis = ctx.timerService().currentProcessingTime();
            }

            @Override
            public void dropped(ScoredImage image) {
                dropped.inc();
                droppedTotal.add(1L);
                if (audit) {
                    ctx.output(AUDIT, AuditEntry.of(AuditEntry.DROPPED, idx.batches, false,
                            java.util.List.of(image)));
                }
            }
        };
    }

    /** The decoded image as a raw-pixel input record (replayable as is), with where it came from and why. */
    private KafkaBytesRecord deadLetter(ScoredImage image, String reason) {
        ImageRecord record = ImageRecordEncoder.raw().encode(image.toLabeledImage());
        RecordSource source = new RecordSource(image.topic == null ? "unknown" : image.topic, image.partition,
                image.offset);
        DeadLetter letter = DeadLetter.of(record.key(), record.value(),
                record.headers().with(ImageHeaders.LABEL, image.labelName != null ? image.labelName
                        : Integer.toString(image.label)), source,
                new DecodeResult.Rejected(reason, DecodeResult.STAGE_CLASSES));
        return KafkaBytesRecord.of(DeadLetters.toProducerRecord(deadLetterTopic, letter));
    }
}
