package io.embedstream.pipeline.job;

import io.embedstream.pipeline.config.PipelineConfig;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the job on an in-process Flink MiniCluster: the embedded default (`demo`) and the tests. */
public final class LocalJob {
    private static final Logger LOG = LoggerFactory.getLogger(LocalJob.class);
    public static final String NAME = "embedstream";

    private LocalJob() {}

    /**
     * Starts the job and returns at once.
     *
     * @param savepoint a savepoint or retained checkpoint to resume from, or null for a fresh start
     */
    public static JobClient start(PipelineConfig config, String savepoint) throws Exception {
        return start(config, savepoint, new Configuration());
    }

    /**
     * Starts the job with Flink settings that override the job's own (e.g. the restart strategy) and returns at once.
     *
     * @param savepoint a savepoint or retained checkpoint to resume from, or null for a fresh start
     */
    public static JobClient start(PipelineConfig config, String savepoint, Configuration overrides) throws Exception {
        Configuration flink = EmbedstreamJob.flinkConfiguration(config);
        // Accumulators reach the client with the task executor's heartbeat (10 s by default): demo's progress and
        // its "nothing moves any more" rule, and the benches' images/s, read them. Stale by up to a heartbeat, they
        // made that rule fire on a pause that was really a stalled metrics operator (drift calibration on its task
        // thread, since moved off it): a 40,000-image demo stopped after 9,527 images.
        flink.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, ACCUMULATOR_REFRESH);
        flink.addAll(overrides);
        if (savepoint != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        int parallelism = Math.max(config.runtime().decodeParallelism(), config.runtime().qualityParallelism());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
        EmbedstreamJob.build(env, config);
        return env.executeAsync(NAME);
    }

    /** The local cluster's heartbeat, and so how fresh the accumulators a client reads are. */
    public static final Duration ACCUMULATOR_REFRESH = Duration.ofSeconds(1);

    /** How long a stopping command waits for a cancelled job to end. */
    public static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(60);

    /** {@link #cancelAndAwait(JobClient, Duration)} with {@link #CANCEL_TIMEOUT}. */
    public static boolean cancelAndAwait(JobClient client) throws Exception {
        return cancelAndAwait(client, CANCEL_TIMEOUT);
    }

    /**
     * Cancels the job and waits until it has ended, at most {@code timeout}; returns whether it did. Flink acknowledges
     * a cancel before the tasks have stopped: a JVM that exits then can still have the trainer inside a PyTorch
     * operator while libtorch's own memory is torn down, and dies in native code (seen in bench-pipeline).
     */
    public static boolean cancelAndAwait(JobClient client, Duration timeout) throws Exception {
        client.cancel().get();
        // The result, not the status: a local job's MiniCluster shuts down as soon as the job has ended, and then
        // answers no status request; its result future was requested at submission and completes either way.
        try {
            client.getJobExecutionResult().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException cancelled) {
            // A cancelled job's result is an exception: it has ended.
        } catch (TimeoutException stillRunning) {
            LOG.warn("the cancelled job had not ended {} ms after its cancel was acknowledged", timeout.toMillis());
            return false;
        }
        return true;
    }
}
