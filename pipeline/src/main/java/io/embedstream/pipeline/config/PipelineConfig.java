package io.embedstream.pipeline.config;

import io.embedstream.model.train.ClassInit;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.types.FitMode;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the streaming job needs. Built from a properties file and command-line overrides
 * ({@link #fromProperties}); every key has a default, documented in README ("Configuration").
 */
public record PipelineConfig(KafkaSettings kafka, TrainerConfig trainer, BatcherConfig batcher,
                             PublishConfig publish, MetricsSettings metrics, RuntimeSettings runtime,
                             PromotionConfig promotion)
        implements Serializable {

    /**
     * A job without held-out images or promotion gate ({@link PromotionConfig#off()}): every version is promoted,
     * as before the gate existed. The configuration file's default ({@link #fromProperties}) is the gate on.
     */
    public PipelineConfig(KafkaSettings kafka, TrainerConfig trainer, BatcherConfig batcher, PublishConfig publish,
                          MetricsSettings metrics, RuntimeSettings runtime) {
        this(kafka, trainer, batcher, publish, metrics, runtime, PromotionConfig.off());
    }

    /** Keys accepted by {@link #fromProperties}, besides {@code kafka.client.*}. */
    public static final Set<String> KEYS = Set.of(
            "kafka.bootstrap.servers", "kafka.group.id",
            "topics.images", "topics.dead-letters", "topics.models", "topics.metrics", "topics.audit",
            "topics.control",
            "batcher.classes-per-batch", "batcher.samples-per-class", "batcher.per-class-capacity",
            "batcher.replay-per-class", "batcher.timeout-ms", "batcher.min-classes", "batcher.max-buffered",
            "batcher.max-replay", "classes.names", "classes.max", "trainer.class-init",
            "publish.every-steps", "publish.every-seconds", "publish.when-idle-seconds", "publish.exactly-once", "publish.model-dir",
            "publish.signing-key",
            "metrics.window-size", "metrics.probe-size", "metrics.drift-sample", "metrics.inference-threads", "metrics.device",
            "metrics.prometheus.port", "metrics.drift.reference-size", "metrics.drift.expected-run-time",
            "metrics.drift.window-steps", "metrics.drift.rows-per-step", "metrics.drift.rebase-after-windows",
            "metrics.version-drift.warmup-versions",
            "runtime.checkpoint-interval-ms", "runtime.state-backend", "runtime.checkpoint-dir",
            "runtime.decode-parallelism", "runtime.quality-parallelism", "runtime.max-record-bytes",
            "runtime.trainer-threads", "runtime.fit-mode",
            "holdout.share", "holdout.salt", "holdout.per-class", "holdout.capacity",
            "gate.min-held-out", "gate.max-p1-drop", "gate.require-no-collapse", "gate.auto-rollback",
            "gate.rebase-after");

    public static PipelineConfig defaults(TrainerConfig trainer) {
        return new PipelineConfig(KafkaSettings.defaults(), trainer, BatcherConfig.defaults(), PublishConfig.defaults(),
                MetricsSettings.defaults(), RuntimeSettings.defaults(), PromotionConfig.defaults());
    }

    /**
     * The job's properties file; none (empty settings) when {@code file} is null.
     *
     * @throws IllegalArgumentException when the file does not exist
     */
    public static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("config file " + file + " does not exist");
            }
            try (java.io.Reader reader = Files.newBufferedReader(file)) {
                p.load(reader);
            }
        }
        return p;
    }

    /** The {@code kafka.client.*} settings of {@code p}, without the prefix: what every Kafka client gets. */
    public static Map<String, String> kafkaClientProperties(Properties p) {
        Map<String, String> client = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("kafka.client.")) {
                client.put(key.substring("kafka.client.".length()), p.getProperty(key));
            }
        }
        return client;
    }

    /**
     * Reads the job's settings; keys not given keep their defaults.
     *
     * @throws IllegalArgumentException for an unknown key or a value that does not parse
     */
    public static PipelineConfig fromProperties(Properties p, TrainerConfig trainer) {
        Set<String> unknown = new TreeSet<>();
        Map<String, String> clientProps = kafkaClientProperties(p);
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith("kafka.client.") && !KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown configuration key(s) " + unknown + "; known keys: "
                    + new TreeSet<>(KEYS) + " and kafka.client.*");
        }
        Reader r = new Reader(p);
        trainer = withClassSettings(trainer, r);
        KafkaSettings k = KafkaSettings.defaults();
        KafkaSettings kafka = new KafkaSettings(r.string("kafka.bootstrap.servers", k.bootstrapServers()),
                r.string("topics.images", k.imagesTopic()), r.string("topics.dead-letters", k.deadLetterTopic()),
                r.string("topics.models", k.modelsTopic()), r.string("topics.metrics", k.metricsTopic()),
                r.string("kafka.group.id", k.groupId()), clientProps, r.string("topics.audit", k.auditTopic()),
                r.string("topics.control", k.controlTopic()));
        boolean classNames = r.bool("classes.names", BatcherConfig.defaults().classNames());
        BatcherConfig b = BatcherConfig.defaultsFor(classNames ? 0 : trainer.classes());
        BatcherConfig batcher = new BatcherConfig(r.integer("batcher.classes-per-batch", b.classesPerBatch()),
                r.integer("batcher.samples-per-class", b.samplesPerClass()),
                r.integer("batcher.per-class-capacity", b.perClassCapacity()),
                r.integer("batcher.replay-per-class", b.replayPerClass()),
                r.longValue("batcher.timeout-ms", b.timeoutMillis()), r.integer("batcher.min-classes", b.minClasses()),
                r.integer("batcher.max-buffered", b.maxBuffered()), r.integer("batcher.max-replay", b.maxReplay()),
                classNames);
        PublishConfig pc = PublishConfig.defaults();
        PublishConfig publish = new PublishConfig(r.longValue("publish.every-steps", pc.everySteps()),
                r.longValue("publish.every-seconds", pc.everySeconds()),
                r.longValue("publish.when-idle-seconds", pc.whenIdleSeconds()),
                r.bool("publish.exactly-once", pc.exactlyOnce()), r.string("publish.model-dir", pc.modelDirectory()),
                r.string("publish.signing-key", pc.signingKey()));
        MetricsSettings m = MetricsSettings.defaults();
        int driftSample = r.integer("metrics.drift-sample", m.driftSample());
        DriftSettings d = DriftSettings.defaultsFor(Math.max(16, driftSample));
        MetricsSettings metrics = new MetricsSettings(r.integer("metrics.window-size", m.windowSize()),
                r.integer("metrics.probe-size", m.probeSize()), driftSample,
                r.integer("metrics.inference-threads", m.inferenceThreads()),
                r.string("metrics.prometheus.port", m.prometheusPort()),
                new DriftSettings(r.integer("metrics.drift.reference-size", d.referenceSize()),
                        r.integer("metrics.drift.expected-run-time", d.expectedRunTime()),
                        r.integer("metrics.drift.window-steps", d.windowSteps()),
                        r.integer("metrics.drift.rows-per-step", d.rowsPerStep()),
                        r.integer("metrics.drift.rebase-after-windows", d.rebaseAfterWindows()),
                        r.integer("metrics.version-drift.warmup-versions", d.versionWarmup())),
                r.string("metrics.device", m.device()));
        RuntimeSettings rt = RuntimeSettings.defaults();
        RuntimeSettings runtime = new RuntimeSettings(
                r.longValue("runtime.checkpoint-interval-ms", rt.checkpointIntervalMillis()),
                r.string("runtime.state-backend", rt.stateBackend()),
                r.string("runtime.checkpoint-dir", rt.checkpointDirectory()),
                r.integer("runtime.decode-parallelism", rt.decodeParallelism()),
                r.integer("runtime.quality-parallelism", rt.qualityParallelism()),
                r.integer("runtime.max-record-bytes", rt.maxRecordBytes()),
                r.integer("runtime.trainer-threads", rt.trainerThreads()),
                fitMode(r.string("runtime.fit-mode", rt.fitMode().name())));
        // Named classes grow up to classes.max; integer labels stay below --classes (the decoder's range).
        int reachable = batcher.classNames() ? trainer.maxClasses() : trainer.classes();
        if (batcher.classesPerBatch() > reachable) {
            throw new IllegalArgumentException("batcher.classes-per-batch (" + batcher.classesPerBatch()
                    + ") exceeds the number of classes (" + reachable + ")");
        }
        PromotionConfig g = PromotionConfig.defaults();
        PromotionConfig promotion = new PromotionConfig(r.decimal("holdout.share", g.share()),
                r.longValue("holdout.salt", g.salt()), r.integer("holdout.per-class", g.perClass()),
                r.integer("holdout.capacity", g.capacity()), r.integer("gate.min-held-out", g.minHeldOut()),
                r.decimal("gate.max-p1-drop", g.maxP1Drop()),
                r.bool("gate.require-no-collapse", g.requireNoCollapse()),
                r.bool("gate.auto-rollback", g.autoRollback()), r.integer("gate.rebase-after", g.rebaseAfter()));
        return new PipelineConfig(kafka, trainer, batcher, publish, metrics, runtime, promotion);
    }

    /**
     * {@code classes.max} (default {@link TrainerConfig#DEFAULT_MAX_CLASSES}) and, when given,
     * {@code trainer.class-init} over the command line's {@code --class-init}.
     */
    private static TrainerConfig withClassSettings(TrainerConfig trainer, Reader r) {
        TrainerConfig.Builder b = trainer.toBuilder().maxClasses(r.integer("classes.max", trainer.maxClasses()));
        String init = r.string("trainer.class-init", null);
        if (init != null) {
            try {
                b.classInit(ClassInit.parse(init));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("trainer.class-init: " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    private static FitMode fitMode(String value) {
        try {
            return FitMode.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("runtime.fit-mode: " + e.getMessage(), e);
        }
    }

    public PipelineConfig withKafka(KafkaSettings value) {
        return new PipelineConfig(value, trainer, batcher, publish, metrics, runtime, promotion);
    }

    public PipelineConfig withBatcher(BatcherConfig value) {
        return new PipelineConfig(kafka, trainer, value, publish, metrics, runtime, promotion);
    }

    public PipelineConfig withRuntime(RuntimeSettings value) {
        return new PipelineConfig(kafka, trainer, batcher, publish, metrics, value, promotion);
    }

    public PipelineConfig withPublish(PublishConfig value) {
        return new PipelineConfig(kafka, trainer, batcher, value, metrics, runtime, promotion);
    }

    public PipelineConfig withMetrics(MetricsSettings value) {
        return new PipelineConfig(kafka, trainer, batcher, publish, value, runtime, promotion);
    }

    public PipelineConfig withPromotion(PromotionConfig value) {
        return new PipelineConfig(kafka, trainer, batcher, publish, metrics, runtime, value);
    }

    private record Reader(Properties p) {
        String string(String key, String fallback) {
            String v = p.getProperty(key);
            return v == null || v.isBlank() ? fallback : v.trim();
        }

        int integer(String key, int fallback) {
            return (int) longValue(key, fallback);
        }

        long longValue(String key, long fallback) {
            String v = p.getProperty(key);
            if (v == null || v.isBlank()) {
                return fallback;
            }
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("configuration " + key + "=" + v + " is not an integer");
            }
        }

        double decimal(String key, double fallback) {
            String v = p.getProperty(key);
            if (v == null || v.isBlank()) {
                return fallback;
            }
            try {
                return Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("configuration " + key + "=" + v + " is not a number");
            }
        }

        boolean bool(String key, boolean fallback) {
            String v = p.getProperty(key);
            if (v == null || v.isBlank()) {
                return fallback;
            }
            return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw new IllegalArgumentException("configuration " + key + "=" + v + " is not true/false");
            };
        }
    }
}
