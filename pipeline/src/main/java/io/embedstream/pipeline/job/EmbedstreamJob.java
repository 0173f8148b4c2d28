package io.embedstream.pipeline.job;

import io.embedstream.connectors.model.ManifestSigner;
import io.embedstream.pipeline.config.KafkaSettings;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.operators.AuditRecordsFunction;
import io.embedstream.pipeline.operators.ClassDiverseBatcher;
import io.embedstream.pipeline.operators.DecodeOperator;
import io.embedstream.pipeline.operators.KafkaBytesSerializer;
import io.embedstream.pipeline.operators.MetricsOperator;
import io.embedstream.pipeline.operators.ModelRecordsFunction;
import io.embedstream.pipeline.operators.PromotionOperator;
import io.embedstream.pipeline.operators.QualityOperator;
import io.embedstream.pipeline.operators.RawImageDeserializer;
import io.embedstream.pipeline.operators.TrainerOperator;
import io.embedstream.pipeline.operators.ManifestSigning;
import io.embedstream.pipeline.types.ControlRecord;
import io.embedstream.pipeline.types.KafkaBytesRecord;
import io.embedstream.pipeline.types.MetricsSideInput;
import io.embedstream.pipeline.types.MiniBatch;
import io.embedstream.pipeline.types.ModelSnapshot;
import io.embedstream.pipeline.types.RawImageRecord;
import io.embedstream.pipeline.types.ScoredImage;
import io.embedstream.pipeline.types.StepRecord;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job: Kafka images -> decode and validate (bad records to the dead-letter topic) -> quality ->
 * class-diverse batcher -> trainer -> promotion gate (judges each version on the images the quality operator held
 * out of training) -> model publisher and window metrics -> Kafka.
 */
public final class EmbedstreamJob {
    private static final Logger LOG = LoggerFactory.getLogger(EmbedstreamJob.class);
    /** Kafka transactions must end within the broker's transaction.max.timeout.ms (15 min by default). */
    private static final String TRANSACTION_TIMEOUT_MS = "600000";
    /** The reporter's name in Flink's settings: {@code metrics.reporter.prom.*}, as in Flink's documentation. */
    public static final String PROMETHEUS_REPORTER = "prom";
    private static final String PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    private EmbedstreamJob() {}

    /**
     * Flink settings of the job: checkpointing, the state backend, and with {@code metrics.prometheus.port} Flink's
     * Prometheus reporter (named {@value #PROMETHEUS_REPORTER}), which only a MiniCluster started with these settings
     * takes up: a Flink cluster's reporters are its own configuration.
     */
    public static Configuration flinkConfiguration(PipelineConfig config) {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, config.runtime().stateBackend());
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.runtime().checkpointDirectory());
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        if (config.metrics().prometheusPort() != null) {
            Configuration reporter = MetricOptions.forReporter(c, PROMETHEUS_REPORTER);
            reporter.set(MetricOptions.REPORTER_FACTORY_CLASS, PROMETHEUS_FACTORY);
            reporter.set(ConfigOptions.key("port").stringType().noDefaultValue(), config.metrics().prometheusPort());
        }
        return c;
    }

    /**
     * The control topic's records for the metrics operator (parallelism 1, so every record reaches its one
     * instance). Subscribed by pattern so that the topic need not exist when the job starts: it is discovered within
     * seconds of its creation and then read from its beginning; a job that starts with the topic present reads from
     * its group's committed offsets, else from the end, so that old commands are not replayed. The source's offsets
     * are checkpointed with the operator's state: after a restore, commands read since that checkpoint are read and
     * applied again, exactly once with respect to the restored state.
     */
    private static DataStream<MetricsSideInput> controlRecords(StreamExecutionEnvironment env, KafkaSettings kafka) {
        KafkaSource<MetricsSideInput> control = KafkaSource.<MetricsSideInput>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopicPattern(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(kafka.controlTopic())))
                .setGroupId(kafka.groupId() + ".control")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST))
                // Bytes that are no control record become null, which the source skips: they never fail the job.
                .setValueOnlyDeserializer(new org.apache.flink.api.common.serialization.AbstractDeserializationSchema<
                        MetricsSideInput>(MetricsSideInput.class) {
                    @Override
                    public MetricsSideInput deserialize(byte[] message) {
                        return ControlRecord.parse(message).map(MetricsSideInput::of).orElse(null);
                    }
                })
                .setProperties(kafka.clientProperties(new Properties()))
                .setProperty("partition.discovery.interval.ms", "2000")
                .build();
        return env.fromSource(control, WatermarkStrategy.noWatermarks(), "kafka-control").uid("kafka-control")
                .setParallelism(1);
    }

    /** Adds the job's operators to {@code env} (whose checkpointing this enables). */
    public static void build(StreamExecutionEnvironment env, PipelineConfig config) {
        env.enableCheckpointing(config.runtime().checkpointIntervalMillis());
        KafkaSettings kafka = config.kafka();
        DeliveryGuarantee guarantee = config.publish().exactlyOnce()
                ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE;

        KafkaSource<RawImageRecord> source = KafkaSource.<RawImageRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.imagesTopic())
                .setGroupId(kafka.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawImageDeserializer())
                .setProperties(kafka.clientProperties(new Properties()))
                .build();
        DataStream<RawImageRecord> raw = env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka-images")
                .uid("kafka-images");

        SingleOutputStreamOperator<ScoredImage> decoded = raw
                .process(new DecodeOperator(config.trainer().classes(), config.batcher().classNames(),
                        config.trainer().network(),
                        config.runtime().maxRecordBytes(), config.runtime().fitMode(), kafka.deadLetterTopic()))
                .returns(TypeInformation.of(ScoredImage.class))
                .name("decode-validate").uid("decode-validate")
                .setParallelism(config.runtime().decodeParallelism());
        // Enough samples for the probe set and each window's drift sample, about twice over.
        double sampleRate = Math.min(1.0, 2.0 * config.metrics().driftSample() / config.metrics().windowSize());
        SingleOutputStreamOperator<ScoredImage> scored = decoded
                .process(new QualityOperator(sampleRate, config.trainer().seed(),
                        config.promotion().gated() ? config.promotion().split() : null))
                .returns(TypeInformation.of(ScoredImage.class))
                .name("quality").uid("quality")
                .setParallelism(config.runtime().qualityParallelism());

        boolean audit = kafka.auditTopic() != null;
        SingleOutputStreamOperator<MiniBatch> batches = scored
                .keyBy(image -> 0, TypeInformation.of(Integer.class))
                .process(new ClassDiverseBatcher(config.batcher(), config.trainer().maxClasses(),
                        config.trainer().seed(), audit, kafka.deadLetterTopic()))
                .returns(TypeInformation.of(MiniBatch.class))
                .name("class-diverse-batcher").uid("class-diverse-batcher")
                .setParallelism(1).setMaxParallelism(1);
        decoded.getSideOutput(DecodeOperator.DEAD_LETTERS)
                .union(batches.getSideOutput(ClassDiverseBatcher.DEAD_LETTERS))
                .sinkTo(sink(config, guarantee, "dlq")).name("dead-letters").uid("dead-letters-sink");

        // The batcher's one key, kept without a shuffle, gives the trainer a timer (publishing when idle).
        SingleOutputStreamOperator<StepRecord> steps = DataStreamUtils
                .reinterpretAsKeyedStream(batches, batch -> 0, TypeInformation.of(Integer.class))
                .process(new TrainerOperator(config.trainer(), config.publish(), audit,
                        config.runtime().trainerThreads()))
                .returns(TypeInformation.of(StepRecord.class))
                .name("trainer").uid("trainer")
                .setParallelism(1).setMaxParallelism(1);

        // Every version passes the promotion gate, which holds the held-out images, on its way to the publishers.
        SingleOutputStreamOperator<ModelSnapshot> models = steps.getSideOutput(TrainerOperator.MODELS)
                .connect(scored.getSideOutput(QualityOperator.HELD_OUT))
                .process(new PromotionOperator(config.trainer(), config.promotion(),
                        config.metrics().inferenceThreads(), audit, config.batcher().classNames()))
                .returns(TypeInformation.of(ModelSnapshot.class))
                .name("promotion-gate").uid("promotion-gate")
                .setParallelism(1).setMaxParallelism(1);

        if (audit) {
            steps.getSideOutput(TrainerOperator.AUDIT).union(batches.getSideOutput(ClassDiverseBatcher.AUDIT),
                            models.getSideOutput(PromotionOperator.AUDIT))
                    .map(new AuditRecordsFunction(kafka.auditTopic(), config.batcher().classNames()))
                    .returns(TypeInformation.of(KafkaBytesRecord.class))
                    .name("audit-records").uid("audit-records").setParallelism(1)
                    .sinkTo(sink(config, guarantee, "audit")).name("audit-sink").uid("audit-sink").setParallelism(1);
        }
        String signingKey = config.publish().signingKey();
        announceSigning(signingKey);
        models.flatMap(new ModelRecordsFunction(config.trainer(), kafka.modelsTopic(), signingKey))
                .returns(TypeInformation.of(KafkaBytesRecord.class))
                .name("model-records").uid("model-records").setParallelism(1)
                .sinkTo(sink(config, guarantee, "models")).name("models-sink").uid("models-sink").setParallelism(1);
        if (config.publish().modelDirectory() != null) {
            models.addSink(new io.embedstream.pipeline.operators.ModelDirectorySink(config.trainer(),
                            config.publish().modelDirectory(), signingKey))
                    .name("model-directory").uid("model-directory").setParallelism(1);
        }

        DataStream<MetricsSideInput> sideInput = models
                .map(MetricsSideInput::of).returns(TypeInformation.of(MetricsSideInput.class))
                .name("models-to-metrics").uid("models-to-metrics").setParallelism(1)
                .union(scored.getSideOutput(QualityOperator.SAMPLE)
                        .map(MetricsSideInput::of).returns(TypeInformation.of(MetricsSideInput.class))
                        .name("samples-to-metrics").uid("samples-to-metrics")
                        .setParallelism(config.runtime().qualityParallelism()),
                        controlRecords(env, kafka));
        steps.connect(sideInput)
                .process(new MetricsOperator(config.trainer(), config.metrics(), kafka.metricsTopic()))
                .returns(TypeInformation.of(KafkaBytesRecord.class))
                .name("window-metrics").uid("window-metrics")
                .setParallelism(1).setMaxParallelism(1)
                .sinkTo(sink(config, guarantee, "metrics")).name("metrics-sink").uid("metrics-sink").setParallelism(1);
    }

    /**
     * Says once, when the job is built, whether models will be signed; a key that cannot be used fails here rather
     * than in the running job.
     */
    private static void announceSigning(String signingKey) {
        if (signingKey == null) {
            LOG.warn("model versions are published UNSIGNED (publish.signing-key is not set): subscribers can check"
                    + " their integrity (sha256) but not who published them; `embedstream keygen` makes a key pair");
            return;
        }
        ManifestSigner signer = ManifestSigning.signer(signingKey);
        LOG.info("model versions are signed with Ed25519 key {} ({}); subscribers verify them with its public key",
                signer.keyId(), signingKey);
    }

    private static KafkaSink<KafkaBytesRecord> sink(PipelineConfig config, DeliveryGuarantee guarantee, String name) {
        Properties producer = config.kafka().clientProperties(new Properties());
        producer.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        return KafkaSink.<KafkaBytesRecord>builder()
                .setBootstrapServers(config.kafka().bootstrapServers())
                .setRecordSerializer(new KafkaBytesSerializer())
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix("embedstream-" + config.kafka().groupId() + "-" + name)
                .setKafkaProducerConfig(producer)
                .build();
    }
}
