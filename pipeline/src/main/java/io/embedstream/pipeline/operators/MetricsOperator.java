package io.embedstream.pipeline.operators;

import io.embedstream.connectors.wire.metrics.MetricsRecord;
import io.embedstream.model.metrics.AlarmEvent;
import io.embedstream.model.metrics.AlarmKind;
import io.embedstream.model.metrics.CollapseDriftDetector;
import io.embedstream.model.metrics.DataDriftResult;
import io.embedstream.model.metrics.EmbeddingWindow;
import io.embedstream.model.metrics.WindowMetrics;
import io.embedstream.model.metrics.WindowReport;
import io.embedstream.model.metrics.drift.ClassAwareDriftReport;
import io.embedstream.model.net.IntraOpThreads;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.MetricsSettings;
import io.embedstream.pipeline.types.ControlRecord;
import io.embedstream.pipeline.types.KafkaBytesRecord;
import io.embedstream.pipeline.types.MetricsSideInput;
import io.embedstream.pipeline.types.ModelSnapshot;
import io.embedstream.pipeline.types.ScoredImage;
import io.embedstream.pipeline.types.StepRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * <p>DATA_DRIFT, LABEL_SHIFT and CLASS_DRIFT come from {@link CalibratedDriftCheck} (calibrated to an expected run
 * time between false alarms); the permutation test's p-value stays a figure of the record.
 *
 * <p>Checkpointed: the probe set, the reference sample, the previous version's probe embeddings, the detector, the
 * calibrated drift detectors with their reference embeddings and encoder, and the window counter. A window in progress is not: after a restore the current window starts afresh.
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
    private transient CalibratedDriftCheck calibratedDrift;
    /** Calibrates the drift detectors off the task thread (15 s and more), so that metrics never hold up training. */
    private transient ExecutorService driftCalibration;
    private transient VersionDriftTracker versionDrift;
    private transient ClassIndexLookup classIndex;
    private transient MetricsGauges gauges;
    /** What a control command did between windows, for the next window's record. */
    private transient List<AlarmEvent> pendingEvents;
    private transient List<String> pendingNotes;
    /** The promotion gate's latest figures ({@code gate.*}), carried in every window record from then on. */
    private transient Map<String, Double> gateFigures;

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
        classIndex = new ClassIndexLookup(state);
        samples = new DriftSamples(state, settings.probeSize(), settings.driftSample(), settings.drift().referenceSize());
        model = new MetricsModel(trainerConfig, settings.device());
        driftCalibration = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "drift-calibration");
            t.setDaemon(true);
            return t;
        });
        calibratedDrift = new CalibratedDriftCheck(state, settings.drift(), trainerConfig, settings.driftSample(),
                settings.device(), classIndex, driftCalibration);
        dataDrift = new DataDriftCheck(calibratedDrift, settings.driftSample());
        versionDrift = new VersionDriftTracker(state, detector, settings.drift().versionWarmup());
        gauges = new MetricsGauges(getRuntimeContext().getMetricGroup());
        pendingEvents = new ArrayList<>();
        pendingNotes = new ArrayList<>();
        gateFigures = new LinkedHashMap<>();
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
        } else if (input.control != null) {
            onControl(input.control);
        } else {
            onModel(input.model);
        }
    }

    /** A command of the control topic; unknown ones are logged and ignored. */
    private void onControl(ControlRecord control) {
        if (ControlRecord.ACK_DRIFT.equals(control.command)) {
            String why = "drift acknowledged" + (control.reason != null && !control.reason.isBlank()
                    ? ": " + control.reason : "");
            rebase(why, pendingEvents, pendingNotes);
        } else {
            LOG.warn("ignoring control command '{}'", control.command);
        }
    }

    private void onModel(ModelSnapshot snapshot) {
        if (snapshot.classNames != null) {
            classIndex.update(snapshot.classNames);
        }
        if (snapshot.decision != null) {
            // The decision's reason reaches watch and the dashboard as a note of the next window's record.
            pendingNotes.add("gate: " + GateDecisions.describe(snapshot));
            gateFigures = GateDecisions.figures(snapshot);
        }
        try {
            model.load(snapshot);
            if (samples.probeComplete()) {
                versionDrift.observe(model.embed(samples.probe()), classIndex.labels(samples.probe()),
                        snapshot.version);
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
        WindowSample sample = new WindowSample(window.sample());
        Optional<ClassAwareDriftReport> classAware = calibratedDrift.update(model, samples, sample, driftNotes);
        Optional<DataDriftResult> drift = dataDrift.test(model, samples.reference(), state.driftRebases, sample,
                driftNotes);
        if (drift.isPresent()) {
            report = new WindowReport(report.windowSize(), report.dimension(), report.droppedRows(), report.collapse(),
                    report.norms(), report.separation(), drift, report.notes());
        }
        List<AlarmEvent> events = new ArrayList<>(pendingEvents);
        pendingEvents.clear();
        driftNotes.addAll(0, pendingNotes);
        pendingNotes.clear();
        events.addAll(versionDrift.takeAlarms());
        events.addAll(detector.observe(report));
        classAware.ifPresent(r -> events.addAll(detector.observeClassAwareDrift(r, this::className)));
        rebaseWhenQuiet(classAware.isPresent(), events, driftNotes);
        Map<String, Double> driftFigures = new LinkedHashMap<>(calibratedDrift.figures(samples));
        driftFigures.putAll(gateFigures);

        MetricsRecord metrics = MetricsRecordBuilder.build(windowIndex, window, report, driftFigures, driftNotes,
                versionDrift.latest(), events, detector.activeAlarms(), state.classNames);
        gauges.update(metrics, report.dimension(), detector);
        KafkaBytesRecord record = new KafkaBytesRecord();
        record.topic = topic;
        record.key = Long.toString(windowIndex).getBytes(StandardCharsets.UTF_8);
        record.value = metrics.toJson();
        record.headerNames = new String[] {"content-type"};
        record.headerValues = new byte[][] {"application/json".getBytes(StandardCharsets.UTF_8)};
        return record;
    }

    /** A class in an alarm's reason: its name and index on a named stream, its index otherwise. */
    private String className(int label) {
        String[] names = state.classNames;
        if (names != null && label >= 0 && label < names.length && names[label] != null) {
            return "'" + names[label] + "' (" + label + ")";
        }
        return Integer.toString(label);
    }

    /**
     * The re-base policy's quiet rule: after {@code metrics.drift.rebase-after-windows} tested windows in a row with
     * no drift alarm raised, the reference is collected anew (0 = never).
     */
    private void rebaseWhenQuiet(boolean tested, List<AlarmEvent> events, List<String> notes) {
        int after = settings.drift().rebaseAfterWindows();
        if (after <= 0 || !tested) {
            return;
        }
        boolean alarmed = detector.activeAlarms().stream().anyMatch(AlarmKind.DRIFT::contains);
        state.driftQuietWindows = alarmed ? 0 : state.driftQuietWindows + 1;
        if (state.driftQuietWindows >= after) {
            rebase(after + " windows without a drift alarm", events, notes);
        }
    }

    /** Collects a new drift reference from the next images and calibrates on it when it is complete. */
    private void rebase(String why, List<AlarmEvent> events, List<String> notes) {
        calibratedDrift.rebase(samples);
        events.addAll(detector.resetDriftAlarms("drift reference re-based (" + why + ")"));
        notes.add("drift reference re-based (" + why + "); collecting " + settings.drift().referenceSize()
                + " new reference images");
        LOG.info("drift reference re-based ({}), re-base {}", why, state.driftRebases);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        state.detector = detector.snapshot();
        calibratedDrift.snapshot();
        checkpointed.update(List.of(state));
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
        if (calibratedDrift != null) {
            calibratedDrift.close();
        }
        if (driftCalibration != null) {
            driftCalibration.shutdownNow();
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
        /** The calibrated drift reference: embeddings by the reference encoder, labels (null until calibrated). */
        public float[][] driftReferenceEmbeddings;
        public int[] driftReferenceLabels;
        /** The reference encoder: the model version that embedded the reference, and its parameters. */
        public long driftReferenceVersion;
        public byte[] driftReferenceParameters;
        /** {@code ClassAwareDriftState#toBytes()} as of the last checkpoint. */
        public byte[] driftMonitor;
        /** Re-bases so far; tested windows in a row without a drift alarm (the quiet rule's counter). */
        public long driftRebases;
        public long driftQuietWindows;
        /** Version comparisons so far (the version-drift warm-up's counter). */
        public long versionComparisons;
        /** The latest version's class names (entry c names class c), for the records; null: none known. */
        public String[] classNames;

        public MetricsState() {}
    }
}
