package io.embedstream.pipeline.operators;

import io.embedstream.types.LabeledImage;
import io.embedstream.model.net.IntraOpThreads;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.StepResult;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.model.train.TrainingBatch;
import io.embedstream.pipeline.config.PublishConfig;
import io.embedstream.pipeline.config.RuntimeSettings;
import io.embedstream.pipeline.types.AuditEntry;
import io.embedstream.pipeline.types.MiniBatch;
import io.embedstream.pipeline.types.ModelSnapshot;
import io.embedstream.pipeline.types.ScoredImage;
import io.embedstream.pipeline.types.StepRecord;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one training step per batch. The whole training state (parameters, optimiser moments, step, RNG) and the
 * publishing counters are operator state, so a restore from a checkpoint or savepoint continues exactly.
 * Emits a {@link StepRecord} per step, and a {@link ModelSnapshot} on the side every N steps or T seconds, and
 * once the trainer has had no batch for {@code publish.when-idle-seconds}: without that, the steps after the last
 * version of a stream that pauses or ends would reach no one until the next batch came.
 *
 * <p>Keyed on the batcher's one key (the stream reinterpreted, not shuffled) only for its processing-time timer.
 *
 * <p>Runs with parallelism 1: DJL allows one gradient collector per JVM, so there is one trainer per job (and so
 * per TaskManager); decode, quality and batching scale out around it.
 */
public final class TrainerOperator extends KeyedProcessFunction<Integer, MiniBatch, StepRecord>
        implements CheckpointedFunction {
    public static final OutputTag<ModelSnapshot> MODELS = new OutputTag<>("models") {};
    /** Which fresh image ids each step consumed, when the audit is on. */
    public static final OutputTag<AuditEntry> AUDIT = new OutputTag<>("trainer-audit") {};
    private static final Logger LOG = LoggerFactory.getLogger(TrainerOperator.class);

    private final TrainerConfig config;
    private final PublishConfig publish;
    private final boolean audit;
    /** As configured: 0 = every core of the TaskManager, resolved there in {@link #initializeState}. */
    private final int threads;
    private final ProcessorCount processors;

    private transient EmbeddingTrainer trainer;
    private transient ListState<byte[]> trainerState;
    private transient ListState<long[]> publishState;
    private transient ListState<byte[]> classNameState;
    private transient ClassNameTable classNames;
    private transient long version;
    private transient long lastPublishedStep;
    private transient long lastPublishMillis;
    private transient long lastStepMillis;
    /** When the pending idle timer fires, 0 when none is pending (a restored job's timers fire as well). */
    private transient long idleTimerAt;
    private transient long[] restoredFrom;
    private transient Counter steps;
    private transient Counter skipped;
    private transient Counter rejectedBatches;
    private transient Counter images;
    private transient LongCounter trainedFresh;
    private transient LongCounter stepsTotal;
    private transient LongCounter stepNanosTotal;
    private transient Accumulators.LastValue snapshotStep;
    private transient Accumulators.LastValue snapshotDigest;
    private transient Accumulators.LastValue restoredStep;
    private transient Accumulators.LastValue restoredDigest;

    /**
     * @param audit   emit an {@link AuditEntry} per batch on {@link #AUDIT}
     * @param threads operator threads of the training step (PyTorch's intra-op parallelism on this task thread);
     *                0 = one per core of the TaskManager that runs the trainer, counted there when the operator's
     *                state is initialised, not on the client that builds the job graph
     */
    public TrainerOperator(TrainerConfig config, PublishConfig publish, boolean audit, int threads) {
        this(config, publish, audit, threads, AVAILABLE_PROCESSORS);
    }

    /** {@code processors}: the cores where the operator runs, asked there (for tests: any count). */
    TrainerOperator(TrainerConfig config, PublishConfig publish, boolean audit, int threads,
                    ProcessorCount processors) {
        if (threads < 0) {
            throw new IllegalArgumentException("trainer threads must be >= 0 (0 = every core), got " + threads);
        }
        this.config = config;
        this.publish = publish;
        this.audit = audit;
        this.threads = threads;
        this.processors = java.util.Objects.requireNonNull(processors, "processors");
    }

    /** A core count asked where it is called; serializable, since it travels in the operator to the TaskManager. */
    @FunctionalInterface
    interface ProcessorCount extends IntSupplier, Serializable {}

    private static final ProcessorCount AVAILABLE_PROCESSORS = () -> Runtime.getRuntime().availableProcessors();

    /** The threads as configured (0 = every core), as carried in the job graph. */
    int configuredThreads() {
        return threads;
    }

    /** The threads the training step runs on, on this machine: the configured count, or its cores for 0. */
    private int resolveThreads() {
        return RuntimeSettings.trainerThreadsOn(threads, processors.getAsInt());
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Before the first operator runs on this thread: otherwise PyTorch gives it the count last set by any thread,
        // e.g. the metrics operator's single inference thread, and the trainer runs on one core.
        // Resolved here, on the TaskManager: a 0 resolved by the client would be the client's core count.
        int resolved = resolveThreads();
        IntraOpThreads.setForCurrentThread(resolved);
        LOG.info("trainer: {} operator threads{}", resolved, threads == 0 ? " (every core of this machine)" : "");
        trainerState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("trainer-state", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        publishState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("publish-state", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        classNameState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("class-names", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        classNames = new ClassNameTable();
        trainer = EmbeddingTrainer.create(config, new FlinkBackboneSource());
        if (context.isRestored()) {
            for (byte[] names : classNameState.get()) {
                classNames = ClassNameTable.fromBytes(names);
            }
            for (byte[] state : trainerState.get()) {
                trainer.restoreState(state);
            }
            for (long[] counters : publishState.get()) {
                version = counters[0];
                lastPublishedStep = counters[1];
            }
            // Re-serialised from the trainer, so the digest proves what it holds, not what the state backend handed it.
            restoredFrom = new long[] {trainer.step(), Accumulators.digest(trainer.saveState())};
            LOG.info("trainer restored at step {}, last published version {}", trainer.step(), version);
        }
        lastPublishMillis = System.currentTimeMillis();
        lastStepMillis = lastPublishMillis;
    }

    @Override
    public void open(OpenContext context) {
        steps = getRuntimeContext().getMetricGroup().counter("steps");
        skipped = getRuntimeContext().getMetricGroup().counter("skippedSteps");
        rejectedBatches = getRuntimeContext().getMetricGroup().counter("rejectedBatches");
        images = getRuntimeContext().getMetricGroup().counter("trainedImages");
        trainedFresh = Accumulators.counter(getRuntimeContext(), Accumulators.TRAINED_FRESH);
        stepsTotal = Accumulators.counter(getRuntimeContext(), Accumulators.TRAINER_STEPS);
        stepNanosTotal = Accumulators.counter(getRuntimeContext(), Accumulators.TRAINER_STEP_NANOS);
        snapshotStep = Accumulators.lastValue(getRuntimeContext(), Accumulators.SNAPSHOT_STEP);
        snapshotDigest = Accumulators.lastValue(getRuntimeContext(), Accumulators.SNAPSHOT_STATE_DIGEST);
        restoredStep = Accumulators.lastValue(getRuntimeContext(), Accumulators.RESTORED_STEP);
        restoredDigest = Accumulators.lastValue(getRuntimeContext(), Accumulators.RESTORED_STATE_DIGEST);
        if (restoredFrom != null) {
            restoredStep.set(restoredFrom[0]);
            restoredDigest.set(restoredFrom[1]);
        }
        getRuntimeContext().getMetricGroup().gauge("step", () -> trainer.step());
        getRuntimeContext().getMetricGroup().gauge("modelVersion", () -> version);
        // The CM class weights grow as classes arrive: the classes in use, and the rows allocated for them.
        getRuntimeContext().getMetricGroup().gauge("classes", () -> trainer.classes());
        getRuntimeContext().getMetricGroup().gauge("classCapacity", () -> trainer.classCapacity());
    }

    @Override
    public void processElement(MiniBatch batch, Context ctx, Collector<StepRecord> out) {
        classNames.learn(batch.images);
        List<LabeledImage> list = new ArrayList<>(batch.images.length);
        float[] qualities = new float[batch.images.length];
        for (int i = 0; i < batch.images.length; i++) {
            list.add(batch.images[i].toLabeledImage());
            qualities[i] = batch.images[i].quality;
        }
        StepResult result;
        try {
            result = trainer.step(new TrainingBatch(list, qualities));
        } catch (IllegalArgumentException e) {
            // A batch the trainer cannot use (the batcher guarantees this does not happen): count it, go on.
            rejectedBatches.inc();
            LOG.warn("batch {} refused by the trainer: {}", batch.sequence, e.getMessage());
            if (audit) {
                ctx.output(AUDIT, AuditEntry.of(AuditEntry.REFUSED, trainer.step(), false, fresh(batch)));
            }
            return;
        }
        if (audit) {
            ctx.output(AUDIT, AuditEntry.of(AuditEntry.TRAINED, result.step(), result.applied(), fresh(batch)));
        }
        steps.inc();
        stepsTotal.add(1L);
        stepNanosTotal.add(result.nanos());
        images.inc(batch.images.length);
        trainedFresh.add((long) batch.images.length - batch.replayed);
        if (!result.applied()) {
            skipped.inc();
        }
        long now = System.currentTimeMillis();
        lastStepMillis = now;
        boolean dueBySteps = publish.everySteps() > 0 && trainer.step() - lastPublishedStep >= publish.everySteps();
        boolean dueByTime = publish.everySeconds() > 0 && now - lastPublishMillis >= publish.everySeconds() * 1000
                && trainer.step() > lastPublishedStep;
        if (dueBySteps || dueByTime) {
            publish(ctx, now);
        } else if (publish.whenIdleSeconds() > 0 && idleTimerAt == 0) {
            idleTimerAt = ctx.timerService().currentProcessingTime() + publish.whenIdleSeconds() * 1000;
            ctx.timerService().registerProcessingTimeTimer(idleTimerAt);
        }
        out.collect(toRecord(result, batch, now));
    }

    /** Publishes the steps since the last version when no batch came for the idle time, else waits for it. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StepRecord> out) {
        if (timestamp != idleTimerAt && idleTimerAt != 0) {
            return; // a restored timer, or one a publication made pointless; the pending one decides
        }
        idleTimerAt = 0;
        if (trainer.step() <= lastPublishedStep) {
            return;
        }
        long idleMillis = publish.whenIdleSeconds() * 1000;
        long now = System.currentTimeMillis();
        if (now - lastStepMillis >= idleMillis) {
            LOG.info("trainer idle for {} s: publishing steps {} to {}", (now - lastStepMillis) / 1000,
                    lastPublishedStep + 1, trainer.step());
            publish(ctx, now);
        } else {
            idleTimerAt = timestamp + idleMillis - (now - lastStepMillis);
            ctx.timerService().registerProcessingTimeTimer(idleTimerAt);
        }
    }

    private void publish(Context ctx, long now) {
        ModelSnapshot snapshot = new ModelSnapshot();
        snapshot.version = ++version;
        snapshot.step = trainer.step();
        snapshot.timestampMillis = now;
        snapshot.parameters = trainer.model().parametersToBytes();
        snapshot.classWeights = trainer.classWeights();
        snapshot.classes = trainer.classes();
        snapshot.classNames = classNames.toArray(snapshot.classes);
        ctx.output(MODELS, snapshot);
        lastPublishedStep = trainer.step();
        lastPublishMillis = now;
    }

    /** The batcher puts fresh images first and replayed copies after them. */
    private static List<ScoredImage> fresh(MiniBatch batch) {
        return java.util.Arrays.asList(batch.images).subList(0, batch.images.length - batch.replayed);
    }

    private StepRecord toRecord(StepResult result, MiniBatch batch, long now) {
        StepRecord r = new StepRecord();
        r.step = result.step();
        r.modelVersion = version;
        r.applied = result.applied();
        r.skipReason = result.skipReason();
        r.loss = result.loss();
        r.componentNames = result.components().keySet().toArray(new String[0]);
        r.componentValues = new float[r.componentNames.length];
        for (int i = 0; i < r.componentNames.length; i++) {
            r.componentValues[i] = result.components().get(r.componentNames[i]);
        }
        r.gradientNorm = result.gradientNorm();
        r.learningRate = result.learningRate();
        r.stepNanos = result.nanos();
        r.timestampMillis = now;
        r.dimension = config.network().embeddingSize();
        r.embeddings = result.embeddings();
        r.labels = result.labels();
        r.qualities = result.qualities();
        r.replayed = batch.replayed;
        r.skippedSteps = trainer.skippedSteps();
        r.batcherIngested = batch.ingested;
        r.batcherBuffered = batch.buffered;
        r.batcherDropped = batch.dropped;
        return r;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        byte[] state = trainer.saveState();
        trainerState.update(List.of(state));
        if (snapshotStep != null) {
            // What this snapshot holds, so that a restore can be checked against it (see Accumulators).
            snapshotStep.set(trainer.step());
            snapshotDigest.set(Accumulators.digest(state));
        }
        publishState.update(List.of(new long[] {version, lastPublishedStep}));
        classNameState.update(List.of(classNames.toBytes()));
    }

    @Override
    public void close() {
        if (trainer != null) {
            trainer.close();
        }
    }
}
