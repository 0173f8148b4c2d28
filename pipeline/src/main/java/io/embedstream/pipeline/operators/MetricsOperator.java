package io.embedstream.pipeline.operators;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.metrics.AlarmEvent;
import io.embedstream.model.metrics.CollapseDriftDetector;
import io.embedstream.model.metrics.DataDriftResult;
import io.embedstream.model.metrics.DataDriftTest;
import io.embedstream.model.metrics.DriftConfig;
import io.embedstream.model.metrics.EmbeddingWindow;
import io.embedstream.model.metrics.VersionDrift;
import io.embedstream.model.metrics.VersionDriftReport;
import io.embedstream.model.metrics.WindowMetrics;
import io.embedstream.model.metrics.WindowReport;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.IntraOpThreads;
import io.embedstream.model.train.Devices;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.MetricsSettings;
import io.embedstream.pipeline.types.KafkaBytesRecord;
import io.embedstream.pipeline.types.MetricsSideInput;
import io.embedstream.pipeline.types.ModelSnapshot;
import io.embedstream.pipeline.types.ScoredImage;
import io.embedstream.pipeline.types.StepRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.CoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Window metrics, off the training thread. Collects the embeddings of the training steps into windows and, per
 * window, publishes one JSON record: collapse, norms, separation (from the window's training embeddings), data drift
 * (a sample of the input images that arrived during this window against a reference sample of the first ones, both
 * embedded by the latest model version, so that a moving encoder is not mistaken for moving data, and sampled
 * before batching, so that the batcher's grouping is not mistaken for drift), model-version drift (a fixed probe set
 * embedded by consecutive versions), the detector's alarms, and the training figures. The same figures are Flink
 * gauges.
 *
 * <p>Checkpointed: the probe set, the reference sample, the previous version's probe embeddings, the detector and
 * the window counter. A window in progress is not: after a restore the current window starts afresh.
 */
public final class MetricsOperator extends CoProcessFunction<StepRecord, MetricsSideInput, KafkaBytesRecord>
        implements CheckpointedFunction {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsOperator.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrainerConfig trainerConfig;
    private final MetricsSettings settings;
    private final String topic;

    private transient MetricsState state;
    private transient ListState<MetricsState> checkpointed;
    private transient CollapseDriftDetector detector;
    private transient WindowMetrics windowMetrics;
    private transient DataDriftTest driftTest;
    private transient VersionDrift versionDrift;
    private transient EmbeddingModel model;
    private transient long loadedVersion;
    private transient float[][] referenceEmbeddings;
    private transient long referenceVersion;
    private transient WindowAccumulator window;
    private transient long windowStartMillis;
    private transient VersionDriftReport lastVersionDrift;
    private transient long[] lastVersionDriftVersions;
    private transient List<AlarmEvent> pendingVersionAlarms;
    private transient Map<String, Double> gaugeValues;
    private transient MetricGroup gauges;
    private transient java.util.Set<String> registeredGauges;

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
        driftTest = new DataDriftTest(DriftConfig.defaults());
        versionDrift = VersionDrift.withDefaults();
        window = newWindow();
        pendingVersionAlarms = new ArrayList<>();
        gaugeValues = new ConcurrentHashMap<>();
        gauges = getRuntimeContext().getMetricGroup().addGroup("embedstream");
        registeredGauges = new java.util.HashSet<>();
    }

    private WindowAccumulator newWindow() {
        return new WindowAccumulator(trainerConfig.network().embeddingSize(), settings.driftSample(),
                trainerConfig.seed() + state.windows);
    }

    @Override
    public void processElement1(StepRecord record, Context ctx, Collector<KafkaBytesRecord> out) throws Exception {
        window.add(record, windowStartMillis);
        if (window.rows() >= settings.windowSize()) {
            out.collect(closeWindow());
            windowStartMillis = window.lastMillis();
            window = newWindow();
        }
    }

    @Override
    public void processElement2(MetricsSideInput input, Context ctx, Collector<KafkaBytesRecord> out) {
        if (input.sample != null) {
            addSample(input.sample);
        } else {
            onModel(input.model);
        }
    }

    /**
     * A sampled input image: the first ones form the probe set (version drift), the next the reference sample
     * (data drift); after that they feed the current window's sample.
     */
    private void addSample(ScoredImage image) {
        if (state.probe.size() < settings.probeSize()) {
            state.probe.add(image);
        } else if (state.reference.size() < settings.driftSample()) {
            state.reference.add(image);
        } else {
            window.addSample(image);
        }
    }

    private void onModel(ModelSnapshot snapshot) {
        try {
            if (model == null) {
                model = EmbeddingModel.create(trainerConfig.network(), Devices.parse(trainerConfig.device()), 0);
            }
            model.loadParameters(snapshot.parameters);
            loadedVersion = snapshot.version;
            if (state.probe.size() < settings.probeSize()) {
                return;
            }
            float[][] probe = model.embed(toImages(state.probe), 128);
            int[] labels = state.probe.stream().mapToInt(i -> i.label).toArray();
            EmbeddingWindow current = EmbeddingWindow.ofRows(probe, labels, null);
            if (state.previousProbe != null) {
                EmbeddingWindow previous = EmbeddingWindow.ofRows(state.previousProbe, labels, null);
                lastVersionDrift = versionDrift.compare(previous, current);
                lastVersionDriftVersions = new long[] {state.previousProbeVersion, snapshot.version};
                pendingVersionAlarms.addAll(detector.observeVersionDrift(lastVersionDrift));
            }
            state.previousProbe = probe;
            state.previousProbeVersion = snapshot.version;
        } catch (RuntimeException e) {
            // Metrics must never stop training: report and carry on without version drift for this one.
            LOG.warn("model version {} could not be evaluated on the probe set: {}", snapshot.version, e.toString());
        }
    }

    private static List<LabeledImage> toImages(List<ScoredImage> images) {
        return images.stream().map(ScoredImage::toLabeledImage).toList();
    }

    private KafkaBytesRecord closeWindow() throws Exception {
        long windowIndex = ++state.windows;
        EmbeddingWindow embeddings = new EmbeddingWindow(window.embeddings(), window.rows(),
                trainerConfig.network().embeddingSize(), window.labels(), window.qualities());
        WindowReport report = windowMetrics.compute(embeddings);
        List<String> driftNotes = new ArrayList<>();
        DataDriftResult drift = dataDrift(driftNotes);
        if (drift != null) {
            report = new WindowReport(report.windowSize(), report.dimension(), report.droppedRows(), report.collapse(),
                    report.norms(), report.separation(), Optional.of(drift), report.notes());
        }
        List<AlarmEvent> events = new ArrayList<>(pendingVersionAlarms);
        pendingVersionAlarms.clear();
        events.addAll(detector.observe(report));

        ObjectNode json = JSON.createObjectNode();
        json.put("type", "window");
        json.put("window", windowIndex);
        json.put("step", window.lastStep());
        json.put("model_version", window.lastVersion());
        json.put("time", Instant.ofEpochMilli(window.lastMillis()).toString());
        json.put("images", window.rows());
        json.put("steps", window.steps());
        json.put("images_per_second", round(window.imagesPerSecond()));
        json.put("skipped_steps", window.skipped());
        json.put("skipped_steps_total", window.skippedStepsTotal());
        json.put("replayed_images", window.replayed());
        ObjectNode batcher = json.putObject("batcher");
        batcher.put("ingested", window.batcher()[0]);
        batcher.put("buffered", window.batcher()[1]);
        batcher.put("dropped", window.batcher()[2]);
        json.put("learning_rate", window.learningRate());
        putFinite(json, "gradient_norm", window.meanGradientNorm());
        ObjectNode loss = json.putObject("loss");
        putFinite(loss, "total", window.meanLoss());
        window.meanComponents().forEach((k, v) -> putFinite(loss, k, v));
        json.set("quality", qualityStats(window.qualities()));
        ObjectNode metrics = json.putObject("metrics");
        report.toFlatMap().forEach((k, v) -> metrics.put(k, v));
        ArrayNode notes = json.putArray("notes");
        report.notes().forEach(notes::add);
        driftNotes.forEach(notes::add);
        if (lastVersionDrift != null) {
            ObjectNode vd = json.putObject("version_drift");
            vd.put("from_version", lastVersionDriftVersions[0]);
            vd.put("to_version", lastVersionDriftVersions[1]);
            lastVersionDrift.toFlatMap().forEach((k, v) -> vd.put(k, v));
        }
        ArrayNode alarms = json.putArray("alarms");
        for (AlarmEvent e : events) {
            ObjectNode a = alarms.addObject();
            a.put("kind", e.kind().name());
            a.put("state", e.state().name());
            a.put("reason", e.reason());
        }
        ArrayNode active = json.putArray("active_alarms");
        detector.activeAlarms().forEach(k -> active.add(k.name()));
        updateGauges(json, report);
        byte[] key = Long.toString(windowIndex).getBytes(StandardCharsets.UTF_8);
        KafkaBytesRecord record = new KafkaBytesRecord();
        record.topic = topic;
        record.key = key;
        record.value = JSON.writeValueAsBytes(json);
        record.headerNames = new String[] {"content-type"};
        record.headerValues = new byte[][] {"application/json".getBytes(StandardCharsets.UTF_8)};
        return record;
    }

    private DataDriftResult dataDrift(List<String> notes) {
        if (model == null) {
            notes.add("data drift: no model version published yet");
            return null;
        }
        if (state.reference.size() < settings.driftSample() || window.sample().size() < settings.driftSample() / 2) {
            notes.add("data drift: reference or current sample not yet full");
            return null;
        }
        try {
            // The reference sample is fixed: its embeddings change only with the model version.
            if (referenceEmbeddings == null || referenceVersion != loadedVersion) {
                referenceEmbeddings = model.embed(toImages(state.reference), 128);
                referenceVersion = loadedVersion;
            }
            float[][] ref = referenceEmbeddings;
            float[][] cur = model.embed(toImages(window.sample()), 128);
            return driftTest.test(EmbeddingWindow.ofRows(ref, null, null), EmbeddingWindow.ofRows(cur, null, null));
        } catch (RuntimeException e) {
            notes.add("data drift: " + e.getMessage());
            return null;
        }
    }

    private static ObjectNode qualityStats(float[] q) {
        ObjectNode node = JSON.createObjectNode();
        if (q == null || q.length == 0) {
            return node;
        }
        float[] sorted = q.clone();
        java.util.Arrays.sort(sorted);
        double sum = 0;
        int low = 0;
        for (float v : q) {
            sum += v;
            low += v < 0.5f ? 1 : 0;
        }
        node.put("mean", round(sum / q.length));
        node.put("p10", round(sorted[(int) (0.1 * (sorted.length - 1))]));
        node.put("min", round(sorted[0]));
        node.put("share_below_0_5", round(low / (double) q.length));
        return node;
    }

    private void updateGauges(ObjectNode json, WindowReport report) {
        gaugeValues.put("step", json.get("step").asDouble());
        gaugeValues.put("model_version", json.get("model_version").asDouble());
        gaugeValues.put("images_per_second", json.get("images_per_second").asDouble());
        gaugeValues.put("active_alarms", (double) detector.activeAlarms().size());
        json.get("loss").fields().forEachRemaining(e -> gaugeValues.put("loss." + e.getKey(), e.getValue().asDouble()));
        report.toFlatMap().forEach((k, v) -> {
            if (!k.startsWith("norms.class.") && !k.startsWith("collapse.spectrum.")) {
                gaugeValues.put(k, v);
            }
        });
        if (lastVersionDrift != null) {
            lastVersionDrift.toFlatMap().forEach((k, v) -> gaugeValues.put("version_drift." + k, v));
        }
        for (String name : gaugeValues.keySet()) {
            if (registeredGauges.add(name)) {
                gauges.gauge(name.replace('.', '_'), () -> gaugeValues.get(name));
            }
        }
    }

    private static void putFinite(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, round(value));
        }
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
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
