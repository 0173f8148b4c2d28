package io.embedstream.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * A cancelled job is waited for until it has ended, not only until the cancel is acknowledged: the commands that stop
 * a local job and then exit the JVM (demo, bench-pipeline) otherwise tore libtorch down under a training step.
 */
class LocalJobCancelTest {
    @Test
    void waitsUntilTheCancelledJobHasEnded() throws Exception {
        AtomicInteger cancels = new AtomicInteger();
        // Flink acknowledges the cancel at once; the job's result (an exception, for a cancelled job) comes later.
        CompletableFuture<Object> result = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS)
                .execute(() -> result.completeExceptionally(new RuntimeException("job cancelled")));
        assertTrue(LocalJob.cancelAndAwait(client(cancels, result), Duration.ofSeconds(30)));
        assertTrue(result.isDone(), "returned before the job had ended");
        assertEquals(1, cancels.get());
    }

    @Test
    void givesUpAfterTheTimeoutWhenTheJobDoesNotEnd() throws Exception {
        AtomicInteger cancels = new AtomicInteger();
        assertFalse(LocalJob.cancelAndAwait(client(cancels, new CompletableFuture<>()), Duration.ofMillis(200)));
        assertEquals(1, cancels.get());
    }

    /** A JobClient whose cancel is acknowledged at once and whose result is {@code result}; it counts cancels. */
    private static JobClient client(AtomicInteger cancels, CompletableFuture<Object> result) {
        return (JobClient) Proxy.newProxyInstance(JobClient.class.getClassLoader(), new Class<?>[] {JobClient.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "cancel" -> {
                        cancels.incrementAndGet();
                        yield CompletableFuture.completedFuture(null);
                    }
                    case "getJobExecutionResult" -> result;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
