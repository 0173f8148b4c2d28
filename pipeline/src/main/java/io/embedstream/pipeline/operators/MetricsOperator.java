package io.embedstream.pipeline.operators;

import io.embedstream.connectors.wire.metrics.MetricsRecord;
import io.embedstream.model.metrics.AlarmEvent;
import io.embedstream.model.metrics.CollapseDriftDetector;
import io.embedstream.model.metrics.DataDriftResult;
import io.embedstream.model.metrics.EmbeddingWindow;
import io.embedstream.model.metrics.WindowMetrics;
import io.embedstream.model.metrics.WindowReport;
import io.embedstream.model.net.IntraOpThreads;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.MetricsSettings;
import io.embedstream.pipeline.types.KafkaBytesRecord;
import io.embedstream.pipeline.types.MetricsSideInput;
import io.embedstream.pipeline.types.ModelSnapshot;
import io.embedstream.pipeline.types.ScoredImage;
import io.embedstream.pipeline.types.StepRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.CoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Window metrics, off the training thread. Collects the embeddings of the training steps into windows
 * ({@link MetricsWindows}) and, per window, publishes one {@link MetricsRecord}: collapse, norms, separation (from
 * the window's training embeddings), data drift ({@link DataDriftCheck}: a sample of the input images that arrived
 * during this window against a reference sample of the first ones, sampled before batching by
 * {@link DriftSamples}, so that the batcher's grouping is not mistaken for drift), model-version drift
 * ({@link VersionDriftTracker}: a fixed probe set embedded by consecutive versions, with {@link MetricsModel}), the
 * detector's alarms, and the training figures ({@link MetricsRecordBuilder}). The same figures are Flink gauges
 * ({@link MetricsGauges}).
 *
 * <p>Checkpointed: the probe set, the reference sample, the previous version's probe embeddings, the detector and
 * the window counter. A window in progress is not: after a restore the current window starts afresh.
 */
public final class MetricsOperator extends CoProcessFunction<StepRecord, MetricsSideInput, KafkaBytesRecord>
        implements CheckpointedFunction {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsOperator.class);

    private final TrainerConfig trainerConfig;
    private final MetricsSettings settings;
    private final String topic;

    private transient MetricsState state;
    private transient ListState<MetricsState> checkpointed;
    private transient CollapseDriftDetector detector;
    private transient WindowMetrics windowMetrics;
    private transient MetricsWindows windows;
    private transient DriftSamples samples;
    private transient MetricsModel model;
    private transient DataDriftCheck dataDrift;
    private transient VersionDriftTracker versionDrift;
    private transient MetricsGauges gauges;

    public MetricsOperator(TrainerConfig trainerConfig, MetricsSettings settings, String topic) {
        this.trainerConfig = trainerConfig;
        this.settings = settings;
        this.topic = topic;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("metrics-state", TypeInformation.of(MetricsState.class)));
        state = new MetricsState();
        if (context.isRestored()) {
            for (MetricsState s : checkpointed.get()) {
                state = s;
            }
        }
        detector = state.detector != null ? CollapseDriftDetector.restore(state.detector)
                : CollapseDriftDetector.withDefaults();
    }

    @Override
    public void open(OpenContext context) {
        // open() runs on the task thread that later embeds the probe and drift samples.
        IntraOpThreads.setForCurrentThread(settings.inferenceThreads());
        windowMetrics = WindowMetrics.withDefaults();
        windows = new MetricsWindows(trainerConfig.network().embeddingSize(), settings.windowSize(),
                settings.driftSample(), trainerConfig.seed(), state.windows);
        samples = new DriftSamples(state, settings.probeSize(), settings.driftSample());
        model = new MetricsModel(trainerConfig);
        dataDrift = new DataDriftCheck(settings.driftSample());
        versionDrift = new VersionDriftTracker(state, detector);
        gauges = new MetricsGauges(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement1(StepRecord record, Context ctx, Collector<KafkaBytesRecord> out) throws Exception {
        if (windows.add(record)) {
            out.collect(closeWindow(windows.current()));
            windows.next(state.windows);
        }
    }

    @Override
    public void processElement2(MetricsSideInput input, Context ctx, Collector<KafkaBytesRecord> out) {
        if (input.sample != null) {
            samples.add(input.sample, windows);
        } else {
            onModel(input.model);
        }
    }

    private void onModel(ModelSnapshot snapshot) {
        try {
            model.load(snapshot);
            if (samples.probeComplete()) {
                versionDrift.observe(model.embed(samples.probe()), samples.probeLabels(), snapshot.version);
            }
        } catch (RuntimeException e) {
            // Metrics must never stop training: report and carry on without version drift for this one.
            LOG.warn("model version {} could not be evaluated on the probe set: {}", snapshot.version, e.toString());
        }
    }

    private KafkaBytesRecord closeWindow(WindowAccumulator window) {
        long windowIndex = ++state.windows;
        EmbeddingWindow embeddings = new EmbeddingWindow(window.embeddings(), window.rows(),
                trainerConfig.network().embeddingSize(), window.labels(), window.qualities());
        WindowReport report = windowMetrics.compute(embeddings);
        List<String> driftNotes = new ArrayList<>();
        Optional<DataDriftResult> drift = dataDrift.test(model, samples.reference(), window.sample(), driftNotes);
        if (drift.isPresent()) {
            report = new WindowReport(report.windowSize(), report.dimension(), report.droppedRows(), report.collapse(),
                    report.norms(), report.separation(), drift, report.notes());
        }
        List<AlarmEvent> events = versionDrift.takeAlarms();
        events.addAll(detector.observe(report));

        MetricsRecord metrics = MetricsRecordBuilder.build(windowIndex, window, report, driftNotes,
                versionDrift.latest(), events, detector.activeAlarms());
        gauges.update(metrics, report, versionDrift.latest(), detector);
        KafkaBytesRecord record = new KafkaBytesRecord();
        record.topic = topic;
        record.key = Long.toString(windowIndex).getBytes(StandardCharsets.UTF_8);
        record.value = metrics.toJson();
        record.headerNames = new String[] {"content-type"};
        record.headerValues = new byte[][] {"application/json".getBytes(StandardCharsets.UTF_8)};
        return record;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        state.detector = detector.snapshot();
        checkpointed.update(List.of(state));
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }

    /** What survives a restore (Flink POJO). */
    public static class MetricsState {
        public List<ScoredImage> probe = new ArrayList<>();
        public List<ScoredImage> reference = new ArrayList<>();
        public float[][] previousProbe;
        public long previousProbeVersion;
        public byte[] detector;
        public long windows;

        public MetricsState() {}
    }
}
