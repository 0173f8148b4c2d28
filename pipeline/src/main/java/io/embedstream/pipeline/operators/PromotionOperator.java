package io.embedstream.pipeline.operators;

import io.embedstream.model.eval.holdout.HeldOutSet;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.IntraOpThreads;
import io.embedstream.model.train.Devices;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.PromotionConfig;
import io.embedstream.pipeline.types.AuditEntry;
import io.embedstream.pipeline.types.GateDecision;
import io.embedstream.pipeline.types.ModelSnapshot;
import io.embedstream.pipeline.types.ScoredImage;
import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.CoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The promotion gate in the job: keeps the held-out images (input 2, from the quality operator's {@link
 * QualityOperator#HELD_OUT} side output) in a {@link HeldOutSet}, judges every version the trainer publishes (input
 * 1) with {@link PromotionGate}, and passes the version on with its {@link GateDecision} to the publishers and the
 * metrics operator. With the audit on, each held-out image's id goes to {@link #AUDIT} as it arrives: held out is
 * its outcome, as trained on or dropped is that of the others.
 *
 * <p>After the first promotion, held-out images wait in the set's quarantine until the gate promotes a version
 * (see {@link PromotionGate}): a stretch of bad data never judges the versions trained on it.
 *
 * <p>Parallelism 1, so one set judges every version. The held-out set and the promoted versions (with their
 * parameters, for rollback and the compatibility map) are operator state: a restore judges the next version on the
 * same set against the same serving version. Which held-out images arrived before a version depends on timing; the
 * decision that reaches the topic is the one committed with the version, in one transaction, exactly once.
 */
public final class PromotionOperator extends CoProcessFunction<ModelSnapshot, ScoredImage, ModelSnapshot>
        implements CheckpointedFunction {
    /**
     * The id of each held-out image, when the audit is on. Emitted as the image enters the gate's state, so the audit
     * sink commits it with the checkpoint that holds it: once, like the trainer's entries.
     */
    public static final OutputTag<AuditEntry> AUDIT = new OutputTag<>("held-out-audit") {};
    private static final Logger LOG = LoggerFactory.getLogger(PromotionOperator.class);
    private static final int EMBED_BATCH = 128;

    private final TrainerConfig trainer;
    private final PromotionConfig config;
    private final int inferenceThreads;
    private final boolean audit;
    private final boolean classNames;

    private transient HeldOutSet set;
    private transient PromotionGate.State state;
    private transient ListState<PromotionGate.State> checkpointed;
    private transient PromotionGate gate;
    private transient EmbeddingModel model;
    private transient HeldOutEmbeddingCache embeddings;
    private transient HeldOutLabels nameLabels;
    private transient Counter promoted;
    private transient Counter rejected;
    private transient Counter rolledBack;

    /**
     * @param audit      emit an {@link AuditEntry} with the id of each held-out image on {@link #AUDIT}
     * @param classNames whether the stream may name its classes ({@code classes.names}): the held-out set then
     *                   numbers the classes by name
     */
    public PromotionOperator(TrainerConfig trainer, PromotionConfig config, int inferenceThreads, boolean audit,
                             boolean classNames) {
        this.trainer = trainer;
        this.config = config;
        this.inferenceThreads = inferenceThreads;
        this.audit = audit;
        this.classNames = classNames;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("promotion-state", TypeInformation.of(PromotionGate.State.class)));
        state = new PromotionGate.State();
        if (context.isRestored()) {
            for (PromotionGate.State s : checkpointed.get()) {
                state = s;
            }
        }
        set = state.heldOut != null ? HeldOutSet.restore(state.heldOut)
                : config.gated() ? HeldOutSet.create(config.perClass(), config.capacity())
                : HeldOutSet.create(2, 2); // nothing is held out: an empty set the gate never reads
    }

    @Override
    public void open(OpenContext context) {
        IntraOpThreads.setForCurrentThread(inferenceThreads);
        gate = new PromotionGate(config, trainer.network().embeddingSize());
        embeddings = new HeldOutEmbeddingCache(this::embed);
        promoted = getRuntimeContext().getMetricGroup().counter("promotedVersions");
        rejected = getRuntimeContext().getMetricGroup().counter("rejectedVersions");
        rolledBack = getRuntimeContext().getMetricGroup().counter("rollbacks");
        getRuntimeContext().getMetricGroup().gauge("heldOutImages", () -> set.size());
        getRuntimeContext().getMetricGroup().gauge("heldOutQuarantined", () -> set.quarantined());
        getRuntimeContext().getMetricGroup().gauge("servingVersion", () -> state.serving());
    }

    @Override
    public void processElement1(ModelSnapshot snapshot, Context ctx, Collector<ModelSnapshot> out) {
        GateDecision decision = gate.judge(state, set, snapshot.version, snapshot.parameters, embeddings);
        // What the next judgement can reuse: the versions the gate keeps, on the images the set still holds.
        List<LabeledImage> held = new ArrayList<>();
        set.entries().forEach(e -> held.add(e.image()));
        set.quarantinedEntries().forEach(e -> held.add(e.image()));
        embeddings.retain(state.promotedParameters, held);
        snapshot.decision = decision;
        if (decision.promoted()) {
            promoted.inc();
        } else {
            rejected.inc();
        }
        if (decision.rollbackTo >= 0) {
            rolledBack.inc();
            LOG.warn("gate: version {} rejected: {}; rolling back to version {}: {}", snapshot.version,
                    decision.reason, decision.rollbackTo, decision.rollbackReason);
        } else {
            LOG.info("gate: version {} {}: {}", snapshot.version, decision.promoted() ? "promoted" : "rejected",
                    decision.reason);
        }
        out.collect(snapshot);
    }

    @Override
    public void processElement2(ScoredImage image, Context ctx, Collector<ModelSnapshot> out) {
        LabeledImage labeled = image.toLabeledImage();
        if (classNames) {
            if (nameLabels == null) {
                nameLabels = new HeldOutLabels(state.labelNames);
            }
            // Twice the capacity: the trusted images and the quarantine keep up to capacity classes each.
            int label = nameLabels.labelOf(image.className(), set::holds, 2 * set.capacity());
            labeled = new LabeledImage(labeled.id(), label, labeled.width(), labeled.height(), labeled.channels(),
                    labeled.pixels());
        }
        PromotionGate.receive(state, set, labeled, Math.max(0f, Math.min(1f, image.quality)));
        state.heldOutImages++;
        if (audit) {
            ctx.output(AUDIT, AuditEntry.of(AuditEntry.HELD_OUT, state.heldOutImages, false, List.of(image)));
        }
    }

    private float[][] embed(byte[] parameters, List<LabeledImage> images) {
        if (model == null) {
            // From the parameters: a TorchScript network's are the whole network, no backbone file needed.
            model = EmbeddingModel.fromParameters(trainer.network(), Devices.parse(trainer.device()), parameters);
        } else {
            model.loadParameters(parameters);
        }
        return model.embed(images, EMBED_BATCH);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        state.heldOut = set.snapshot();
        checkpointed.update(List.of(state));
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}
