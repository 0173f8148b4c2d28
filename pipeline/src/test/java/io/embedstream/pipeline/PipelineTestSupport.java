package io.embedstream.pipeline;

import io.embedstream.types.LabeledImage;
import io.embedstream.connectors.dataset.DatasetProducer;
import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.BatcherConfig;
import io.embedstream.pipeline.config.KafkaSettings;
import io.embedstream.pipeline.config.MetricsSettings;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.config.PublishConfig;
import io.embedstream.pipeline.config.RuntimeSettings;
import io.embedstream.pipeline.operators.Accumulators;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import io.embedstream.pipeline.job.LocalJob;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** A small, fast job configuration and helpers shared by the pipeline's integration tests. */
public final class PipelineTestSupport {
    private PipelineTestSupport() {}

    private static final AtomicInteger JOBS = new AtomicInteger();

    static PipelineConfig smallJob(String bootstrap, Path checkpoints, long publishEverySteps) {
        TrainerConfig trainer = TrainerConfig.builder()
                .network(NetworkConfig.builder().embeddingSize(32).build())
                .objective(ObjectiveConfig.defaults())
                .learningRate(0.01f)
                .device("cpu")
                .build();
        return new PipelineConfig(
                // A group of its own per job, hence transactional ids of its own: Flink's Kafka sink refuses a prefix
                // that a job cancelled earlier in this JVM may still hold while it shuts down.
                KafkaSettings.defaults().withBootstrapServers(bootstrap).withGroupId("test-" + JOBS.incrementAndGet()),
                trainer,
                new BatcherConfig(8, 8, 32, 16, 1000, 2),
                new PublishConfig(publishEverySteps, 0, true, null),
                new MetricsSettings(256, 64, 32),
                new RuntimeSettings(1000, "rocksdb", checkpoints.toUri().toString(), 1, 1, 4 * 1024 * 1024));
    }

    /**
     * The job on a local MiniCluster with no restart strategy. Flink's default restarts a failed job from its last
     * checkpoint, which lets a test pass over an operator that threw; here any failure fails the job, and the
     * job-aware {@link #await(JobClient, String, Duration, BooleanSupplier)} fails the test at once.
     */
    /** Sends {@code images} to the job's input topic and checks that every one was acknowledged. */
    public static void produce(String bootstrap, PipelineConfig config, List<LabeledImage> images) {
        try (DatasetProducer producer = DatasetProducer.builder().bootstrapServers(bootstrap)
                .topic(config.kafka().imagesTopic()).build()) {
            org.junit.jupiter.api.Assertions.assertEquals(images.size(), producer.send(images.iterator()).sent(),
                    "images acknowledged by the broker");
        }
    }

    static JobClient startWithoutRestarts(PipelineConfig config) throws Exception {
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return LocalJob.start(config, null, noRestarts);
    }

    /** Fails the test if the job is no longer running (with no restart strategy: an operator failed). */
    static void assertRunning(JobClient job) {
        JobStatus status;
        try {
            status = job.getJobStatus().get();
        } catch (Exception e) {
            throw new AssertionError("cannot read the job's status: " + e, e);
        }
        if (status != JobStatus.RUNNING) {
            String cause = "";
            try {
                job.getJobExecutionResult().get();
            } catch (Exception e) {
                cause = ": " + e;
            }
            throw new AssertionError("job is " + status + ", not RUNNING: an operator failed" + cause);
        }
    }

    /** {@link #await(String, Duration, BooleanSupplier)}, failing at once if the job stops running. */
    public static void await(JobClient job, String what, Duration timeout, BooleanSupplier condition)
            throws InterruptedException {
        await(what, timeout, () -> {
            assertRunning(job);
            return condition.getAsBoolean();
        });
    }

    /** Polls until the condition holds or fails the test after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(500);
        }
    }

    /** A counter's value so far (0 before the operator reported it). */
    static long accumulator(JobClient job, String name) {
        return accumulator(job, name, 0);
    }

    static long accumulator(JobClient job, String name, long absent) {
        try {
            return Accumulators.value(job.getAccumulators().get(), name, absent);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read accumulators: " + e, e);
        }
    }

    /** Every committed record of a topic (read_committed), reading until {@code quiet} passes without news. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, Duration quiet) {
        return readAll(bootstrap, java.util.Map.of(), topic, quiet);
    }

    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, java.util.Map<String, String> clientProperties,
            String topic, Duration quiet) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "test-reader-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long lastNews = System.nanoTime();
            while (System.nanoTime() - lastNews < quiet.toNanos()) {
                var batch = consumer.poll(Duration.ofMillis(300));
                if (!batch.isEmpty()) {
                    batch.forEach(records::add);
                    lastNews = System.nanoTime();
                }
            }
        }
        return records;
    }

    /** What a command printed and returned. */
    public record CommandOutput(int exitCode, String out, String err) {}

    /** Runs one {@code bin/embedstream} command in this JVM, capturing what it prints. */
    public static synchronized CommandOutput runCommand(String... args) {
        java.io.PrintStream stdout = System.out;
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            int code = io.embedstream.pipeline.cli.PipelineLauncher.run(args);
            return new CommandOutput(code, out.toString(java.nio.charset.StandardCharsets.UTF_8),
                    err.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }
}
