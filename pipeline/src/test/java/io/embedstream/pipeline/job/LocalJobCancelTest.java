package io.embedstream.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * A cancelled job is waited for until Flink reports it ended, not only until the cancel is acknowledged: the commands
 * that stop a local job and then exit the JVM (demo, bench-pipeline) otherwise tore libtorch down under a training step.
 */
class LocalJobCancelTest {
    @Test
    void waitsUntilTheJobHasEndedAfterTheCancelIsAcknowledged() throws Exception {
        AtomicInteger cancels = new AtomicInteger();
        Deque<JobStatus> statuses = new ArrayDeque<>(
                List.of(JobStatus.RUNNING, JobStatus.CANCELLING, JobStatus.CANCELLING, JobStatus.CANCELED));
        JobClient client = client(cancels, statuses, JobStatus.CANCELED);
        assertTrue(LocalJob.cancelAndAwait(client, Duration.ofSeconds(10)));
        assertEquals(1, cancels.get());
        assertTrue(statuses.isEmpty(), "asked until the job was CANCELED, left: " + statuses);
    }

    @Test
    void givesUpAfterTheTimeoutWhenTheJobDoesNotEnd() throws Exception {
        AtomicInteger cancels = new AtomicInteger();
        JobClient client = client(cancels, new ArrayDeque<>(), JobStatus.CANCELLING);
        assertFalse(LocalJob.cancelAndAwait(client, Duration.ofMillis(200)));
        assertEquals(1, cancels.get());
    }

    /** A JobClient that answers with {@code statuses} in turn, then {@code last}, and counts cancels. */
    private static JobClient client(AtomicInteger cancels, Deque<JobStatus> statuses, JobStatus last) {
        return (JobClient) Proxy.newProxyInstance(JobClient.class.getClassLoader(), new Class<?>[] {JobClient.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "cancel" -> {
                        cancels.incrementAndGet();
                        yield CompletableFuture.completedFuture(null);
                    }
                    case "getJobStatus" -> CompletableFuture.completedFuture(
                            statuses.isEmpty() ? last : statuses.poll());
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
