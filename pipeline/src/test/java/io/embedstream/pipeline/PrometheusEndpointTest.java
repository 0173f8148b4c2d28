package io.embedstream.pipeline;

import static io.embedstream.pipeline.PipelineTestSupport.await;
import static io.embedstream.pipeline.PipelineTestSupport.startWithoutRestarts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.model.metrics.DetectorConfig;
import io.embedstream.pipeline.config.BatcherConfig;
import io.embedstream.pipeline.config.DriftSettings;
import io.embedstream.pipeline.config.MetricsSettings;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.job.EmbedstreamJob;
import io.embedstream.pipeline.job.LocalJob;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's figures through Flink's Prometheus reporter, as a scraper sees them: the job on a MiniCluster with
 * {@code metrics.prometheus.port} and the embedded broker. {@code /metrics} is read over HTTP and parsed line by line
 * (the text exposition format) until the metrics operator's gauges, which it registers when its first window closes,
 * include data drift and model-version drift; they must be finite, carry the job's and the operator's labels, and
 * equal the figures of the metrics topic's committed record for the same training step.
 */
class PrometheusEndpointTest {
    /** Flink's Prometheus name of a gauge in the metrics operator's {@code embedstream} group. */
    static final String PREFIX = "flink_taskmanager_job_task_operator_embedstream_";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Gauges the scrape must show (names after {@link #PREFIX}): the training figures, the alarms and thresholds, loss
     * terms, and of the window figures collapse, norms, separation, data drift (the permutation test's, and the
     * calibrated detectors' reference) and model-version drift. The calibrated detectors test a window only when its
     * sample holds every reference class and the label-shift test needs several images per class, which these small
     * windows rarely give: ClassAwareDriftPipelineTest reads those figures from the topic, and every gauge that is
     * scraped must equal the topic's figure (assertSameFigures).
     */
    static final List<String> REQUIRED = List.of("step", "model_version", "images_per_second", "active_alarms",
            "loss_total", "loss_cm", "loss_ldmat", "window_size", "collapse_effective_rank", "collapse_coding_rate",
            "norms_mean", "norms_quality_spearman", "separation_nc1", "separation_uniformity", "drift_mmd2",
            "drift_p_value", "version_drift_version_cka", "version_drift_version_knn_overlap",
            "alarm_effective_rank_collapse", "alarm_coding_rate_drop", "alarm_data_drift", "alarm_version_drift",
            "alarm_label_shift", "alarm_class_drift", "drift_reference_rows", "drift_reference_rebases",
            "threshold_effective_rank", "threshold_version_cka", "drift_reference_version");

    @TempDir
    Path temp;

    @Test
    void windowFiguresAndAlarmsAreScrapeableWithTheValuesOfTheMetricsTopic() throws Exception {
        int port = freePort();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            PipelineConfig config = quickWindows(PipelineTestSupport.smallJob(bootstrap, temp.resolve("checkpoints"), 1),
                    port);
            broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().modelsTopic(), config.kafka().metricsTopic());
            PipelineTestSupport.produce(bootstrap, config, SyntheticShapes.builder().seed(11).build().generate(1000));

            long started = System.nanoTime();
            JobClient job = startWithoutRestarts(config);
            try {
                AtomicReference<Map<String, Sample>> scraped = new AtomicReference<>();
                try {
                    await(job, "a scrape with the figures " + REQUIRED, Duration.ofSeconds(120), () -> {
                        scraped.set(stableScrape(port));
                        return scraped.get().keySet().containsAll(REQUIRED);
                    });
                } catch (AssertionError e) {
                    List<String> missing = REQUIRED.stream()
                            .filter(name -> scraped.get() == null || !scraped.get().containsKey(name)).toList();
                    throw new AssertionError("the last scrape lacked " + missing + "; " + e.getMessage(), e);
                }
                Map<String, Sample> figures = scraped.get();
                System.out.printf("%d embedstream figures scraped from port %d after %.1f s, among them:%n",
                        figures.size(), port, (System.nanoTime() - started) / 1e9);
                REQUIRED.forEach(name -> System.out.println(figures.get(name).line()));

                figures.forEach((name, sample) -> {
                    // Ranks beyond the classes of the probe set read NaN.
                    assertTrue(Double.isFinite(sample.value()) || name.startsWith("version_drift_top_class_"),
                            "not finite: " + sample.line());
                    assertEquals(LocalJob.NAME, sample.labels().get("job_name"), sample.line());
                    // The reporter writes label values with '_' for characters Prometheus does not take.
                    assertEquals("window_metrics", sample.labels().get("operator_name"), sample.line());
                });
                double raised = 0;
                for (String alarm : List.of("alarm_effective_rank_collapse", "alarm_coding_rate_drop",
                        "alarm_data_drift", "alarm_version_drift", "alarm_label_shift", "alarm_class_drift")) {
                    double v = figures.get(alarm).value();
                    assertTrue(v == 0 || v == 1, figures.get(alarm).line());
                    raised += v;
                }
                assertEquals(figures.get("active_alarms").value(), raised, "the alarms raised add up to active_alarms");
                DetectorConfig thresholds = DetectorConfig.defaults();
                assertEquals(thresholds.minCka(), figures.get("threshold_version_cka").value());
                assertEquals(thresholds.effectiveRankFraction() * config.trainer().network().embeddingSize(),
                        figures.get("threshold_effective_rank").value(), 1e-9);
                long step = (long) figures.get("step").value();
                JsonNode window = metricsRecordOfStep(job, bootstrap, config, step);
                assertSameFigures(window, figures);
            } finally {
                job.cancel().get();
            }
        }
    }

    @Test
    void theSettingIsCheckedAtStartAndBecomesFlinksPrometheusReporter() {
        TrainerConfig trainer = PipelineTestSupport.smallJob("localhost:9092", temp, 1).trainer();
        Configuration none = EmbedstreamJob.flinkConfiguration(PipelineConfig.fromProperties(new Properties(), trainer));
        assertTrue(none.keySet().stream().noneMatch(k -> k.startsWith("metrics.reporter.")), none.toString());

        Properties p = new Properties();
        p.setProperty("metrics.prometheus.port", "9250-9260");
        Map<String, String> flink = EmbedstreamJob.flinkConfiguration(PipelineConfig.fromProperties(p, trainer)).toMap();
        assertEquals("org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                flink.get("metrics.reporter.prom.factory.class"));
        assertEquals("9250-9260", flink.get("metrics.reporter.prom.port"));

        for (String bad : List.of("http", "9249-", "0", "70000", "9260-9250", "9249,", "92 49")) {
            p.setProperty("metrics.prometheus.port", bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PipelineConfig.fromProperties(p, trainer), bad);
            assertTrue(e.getMessage().startsWith("metrics.prometheus.port must be a port") && e.getMessage().contains(bad),
                    e.getMessage());
        }
        for (String good : List.of("9249", " 9249 ", "9250-9260", "9249,9250-9252", "65535")) {
            p.setProperty("metrics.prometheus.port", good);
            assertEquals(good.trim(), PipelineConfig.fromProperties(p, trainer).metrics().prometheusPort());
        }
    }

    /**
     * Windows of 64 embeddings (two steps of 4 classes x 8 images), a model version every step, probe set and drift
     * samples at their smallest: data drift and model-version drift are in the second window; the calibrated drift
     * detectors get a reference of 128 images (one step of 16 rows per window, ERT 50), so they test windows too.
     */
    private static PipelineConfig quickWindows(PipelineConfig small, int prometheusPort) {
        return new PipelineConfig(small.kafka(), small.trainer(), new BatcherConfig(4, 8, 32, 16, 1000, 2),
                small.publish(), new MetricsSettings(64, 32, 16, 1)
                        .withPrometheusPort(Integer.toString(prometheusPort)).withDrift(new DriftSettings(128, 50, 1, 16, 0)), small.runtime());
    }

    /** The committed metrics record of the window that ended at {@code step}, read from the topic's start. */
    private static JsonNode metricsRecordOfStep(JobClient job, String bootstrap, PipelineConfig config, long step)
            throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        AtomicReference<JsonNode> found = new AtomicReference<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(config.kafka().metricsTopic()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await(job, "the metrics record of step " + step + " on " + config.kafka().metricsTopic(),
                    Duration.ofSeconds(60), () -> {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                            JsonNode w = read(r.value());
                            if (w.get("step").asLong() == step) {
                                found.set(w);
                            }
                        }
                        return found.get() != null;
                    });
        }
        return found.get();
    }

    private static JsonNode read(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("metrics record is not JSON: " + e, e);
        }
    }

    /**
     * Every figure of the record that is a gauge has the gauge's value: the window figures (less the per-class norms
     * and the spectrum, which are no gauges), loss terms, model-version drift, the training figures and the number of
     * active alarms.
     */
    private static void assertSameFigures(JsonNode window, Map<String, Sample> figures) {
        Map<String, Double> expected = new TreeMap<>();
        window.get("metrics").fields().forEachRemaining(e -> {
            if (!e.getKey().startsWith("norms.class.") && !e.getKey().startsWith("collapse.spectrum.")
                    && !e.getKey().matches("drift\\.class\\.[0-9]+\\.drifting")) {
                expected.put(e.getKey(), e.getValue().asDouble());
            }
        });
        window.get("loss").fields().forEachRemaining(e -> expected.put("loss." + e.getKey(), e.getValue().asDouble()));
        assertTrue(window.has("version_drift"), "window " + window.get("window") + " has no model-version drift");
        Map<String, Double> classShifts = new TreeMap<>();
        window.get("version_drift").fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("version.class.")) {
                classShifts.put(e.getKey().split("\\.")[2], e.getValue().asDouble());
            } else if (e.getKey().startsWith("version.")) {
                expected.put("version_drift." + e.getKey(), e.getValue().asDouble());
            }
        });
        // Per-class version drift is scraped for the classes that moved most only, by rank (bounded gauges).
        assertTrue(classShifts.size() >= 2, "per-class shifts in the window: " + classShifts);
        List<Map.Entry<String, Double>> ranked = new java.util.ArrayList<>(classShifts.entrySet());
        ranked.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        for (int rank = 1; rank <= Math.min(ranked.size(), 10); rank++) {
            expected.put("version_drift.top_class." + rank + ".centroid_shift", ranked.get(rank - 1).getValue());
            expected.put("version_drift.top_class." + rank + ".label", Double.parseDouble(ranked.get(rank - 1).getKey()));
        }
        assertTrue(figures.keySet().stream().noneMatch(name -> name.startsWith("version_drift_version_class_")),
                "no gauge per class");
        for (String field : List.of("step", "model_version", "images_per_second")) {
            expected.put(field, window.get(field).asDouble());
        }
        expected.put("active_alarms", (double) window.get("active_alarms").size());
        assertTrue(expected.size() >= REQUIRED.size(), expected.toString());
        expected.forEach((figure, value) -> {
            Sample sample = figures.get(figure.replace('.', '_'));
            assertTrue(sample != null, figure + " is in window " + window.get("window") + " but not scraped");
            assertEquals(value, sample.value(), 1e-9 * Math.max(1, Math.abs(value)), sample.line());
        });
    }

    /** Two scrapes in a row until they agree on every figure, so that no window closed while one was read. */
    private static Map<String, Sample> stableScrape(int port) {
        Map<String, Sample> previous = embedstreamFigures(scrape(port));
        for (int i = 0; i < 20; i++) {
            Map<String, Sample> next = embedstreamFigures(scrape(port));
            if (next.equals(previous)) {
                return next;
            }
            previous = next;
        }
        throw new AssertionError("the figures changed between every two scrapes");
    }

    /** The metrics operator's gauges, by their name after {@link #PREFIX}; each must appear exactly once. */
    static Map<String, Sample> embedstreamFigures(List<Sample> samples) {
        Map<String, Sample> figures = new TreeMap<>();
        for (Sample s : samples) {
            if (s.name().startsWith(PREFIX)) {
                Sample before = figures.put(s.name().substring(PREFIX.length()), s);
                assertEquals(null, before, "two samples of " + s.name());
            }
        }
        return figures;
    }

    static List<Sample> scrape(int port) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return parse(response.body());
        } catch (IOException e) {
            throw new AssertionError("cannot read http://127.0.0.1:" + port + "/metrics: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One sample line: {@code name{label="value",...} value [timestamp]}. */
    record Sample(String name, Map<String, String> labels, double value, String line) {}

    /**
     * The Prometheus text exposition format (version 0.0.4), line by line: comments and blank lines skipped, label
     * values unescaped ({@code \\}, {@code \"}, {@code \n}), values as Go writes them ({@code +Inf}, {@code NaN}).
     */
    static List<Sample> parse(String body) {
        List<Sample> samples = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
                i++;
            }
            String name = line.substring(0, i);
            Map<String, String> labels = new LinkedHashMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                i++;
                while (line.charAt(i) != '}') {
                    int eq = line.indexOf('=', i);
                    String label = line.substring(i, eq).trim();
                    if (line.charAt(eq + 1) != '"') {
                        throw new AssertionError("label value not quoted: " + line);
                    }
                    StringBuilder value = new StringBuilder();
                    int j = eq + 2;
                    for (; line.charAt(j) != '"'; j++) {
                        char c = line.charAt(j);
                        if (c == '\\') {
                            char e = line.charAt(++j);
                            value.append(e == 'n' ? '\n' : e);
                        } else {
                            value.append(c);
                        }
                    }
                    labels.put(label, value.toString());
                    i = j + 1;
                    if (line.charAt(i) == ',') {
                        i++;
                    }
                }
                i++;
            }
            String[] rest = line.substring(i).trim().split(" +");
            samples.add(new Sample(name, labels, parseValue(rest[0], line), line));
        }
        return samples;
    }

    private static double parseValue(String value, String line) {
        return switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    throw new AssertionError("not a sample value: " + line, e);
                }
            }
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
