package io.embedstream.pipeline.cli;

import io.embedstream.connectors.kafka.KafkaPreflight;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.job.EmbedstreamJob;
import io.embedstream.pipeline.job.LocalJob;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code embedstream train}: the job against an existing Kafka cluster. Started with {@code java -jar} it runs on
 * an in-process MiniCluster; submitted with {@code flink run embedstream.jar train ...} it runs on that Flink
 * cluster. Ctrl-C stops it with a savepoint, whose path it prints for {@code --from-savepoint}. With
 * {@code flink run -d} it returns once the job is submitted; in application mode it waits for the job.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Run the streaming job against an existing Kafka cluster until Ctrl-C (then stop with a savepoint).")
public final class TrainCommand implements Callable<Integer> {
    /** {@code execution.target} of a main method run inside the JobManager (application mode). */
    private static final String EMBEDDED_TARGET = "embedded";
    /** {@code execution.target} of {@code java -jar embedstream.jar train}: the job's own MiniCluster. */
    private static final String LOCAL_TARGET = "local";

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (overrides kafka.bootstrap.servers).")
    String bootstrap;

    @Option(names = "--classes", defaultValue = "10", description = "Initial number of classes: integer labels are in"
            + " [0, classes); with classes.names, named classes grow the class weights beyond it up to classes.max"
            + " (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--input", defaultValue = "28x28x1", description = "Network input WIDTHxHEIGHTxCHANNELS; images are converted to it (default: ${DEFAULT-VALUE}).")
    String input;

    @Option(names = "--from-savepoint", description = "Resume from this savepoint or retained checkpoint.")
    String savepoint;

    @Option(names = "--schedule-steps", defaultValue = "0",
            description = "Steps over which --schedule runs (a cosine decays to its min at this step), for a stream of"
                    + " known length; 0 = unbounded: after the warm-up the rate stays at --lr (default: ${DEFAULT-VALUE}).")
    long scheduleSteps;

    @Mixin
    TrainingOptions training;

    @Mixin
    JobOptions job;

    @Mixin
    KafkaClientOptions kafka;

    @Override
    public Integer call() throws Exception {
        String[] dims = input.toLowerCase(Locale.ROOT).split("x");
        if (dims.length != 3) {
            throw new IllegalArgumentException("--input must be WIDTHxHEIGHTxCHANNELS, e.g. 28x28x1, got " + input);
        }
        if (scheduleSteps < 0) {
            throw new IllegalArgumentException("--schedule-steps must be >= 0 (0 = unbounded), got " + scheduleSteps);
        }
        TrainerConfig trainer = training.trainerConfig(Integer.parseInt(dims[1]), Integer.parseInt(dims[0]),
                Integer.parseInt(dims[2]), classes, scheduleSteps > 0 ? scheduleSteps : Long.MAX_VALUE / 4);
        TrainingOptions.checkBackbone(trainer);
        Properties defaults = new Properties();
        if (bootstrap != null) {
            defaults.setProperty("kafka.bootstrap.servers", bootstrap);
        }
        kafka.properties().forEach((k, v) -> defaults.setProperty("kafka.client." + k, v));
        PipelineConfig config = job.pipelineConfig(trainer, defaults);
        // The job's own clients would retry forever in the background; say now what is wrong instead.
        KafkaPreflight.check(config.kafka().bootstrapServers(), config.kafka().clientProperties(),
                java.time.Duration.ofSeconds(20));
        var flink = EmbedstreamJob.flinkConfiguration(config);
        if (savepoint != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        if (config.metrics().prometheusPort() != null
                && !LOCAL_TARGET.equals(env.getConfiguration().get(DeploymentOptions.TARGET))) {
            System.err.println("metrics.prometheus.port is ignored: it configures the in-process MiniCluster, and"
                    + " this job runs on a Flink cluster, whose own metrics.reporter.* settings apply"
                    + " (docs/operations.md, \"Prometheus\")");
        }
        EmbedstreamJob.build(env, config);
        JobClient client = env.executeAsync(LocalJob.NAME);
        String route = config.kafka().imagesTopic() + " -> " + config.kafka().bootstrapServers() + ", "
                + config.kafka().modelsTopic() + ", " + config.kafka().metricsTopic();
        // `flink run -d` sets execution.attached=false: submit and return, the job runs on without this client.
        if (!env.getConfiguration().getOptional(DeploymentOptions.ATTACHED).orElse(true)) {
            System.out.printf(Locale.ROOT, "job %s submitted (detached): %s%n", client.getJobID(), route);
            return 0;
        }
        // Application mode (the Kubernetes operator, standalone-job): main runs inside the JobManager, which owns
        // the job's lifecycle and savepoints; a JobManager shutdown must not stop the job.
        if (EMBEDDED_TARGET.equals(env.getConfiguration().get(DeploymentOptions.TARGET))) {
            System.out.printf(Locale.ROOT, "job %s running in application mode: %s%n", client.getJobID(), route);
            client.getJobExecutionResult().get();
            return 0;
        }
        System.out.printf(Locale.ROOT, "job %s running: %s; Ctrl-C stops it with a savepoint%n",
                client.getJobID(), route);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                String path = client.stopWithSavepoint(false, null, SavepointFormatType.CANONICAL).get();
                System.out.println("stopped with savepoint " + path + " (resume with --from-savepoint " + path + ")");
            } catch (Exception e) {
                System.err.println("could not stop with a savepoint: " + e.getMessage() + "; cancelling");
                try {
                    // Waited for: the JVM exits after this hook, and a local trainer must not be inside a step then.
                    LocalJob.cancelAndAwait(client);
                } catch (Exception cancelFailed) {
                    System.err.println("could not cancel the job: " + cancelFailed.getMessage());
                }
            } finally {
                stopped.countDown();
            }
        }));
        client.getJobExecutionResult().get();
        return 0;
    }
}
