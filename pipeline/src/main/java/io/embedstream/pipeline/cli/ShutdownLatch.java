package io.embedstream.pipeline.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits for Ctrl-C (or any JVM shutdown) and lets the waiting thread clean up before the JVM goes: the shutdown hook
 * returns only when this latch is closed (or after 10 s), so resources closed in between are closed properly.
 *
 * <pre>{@code
 * try (ShutdownLatch stop = new ShutdownLatch(); Server server = ...) {
 *     stop.await();
 * } // server closes first, then the latch releases the hook
 * }</pre>
 */
final class ShutdownLatch implements AutoCloseable {
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final Thread hook;

    ShutdownLatch() {
        hook = new Thread(() -> {
            requested.countDown();
            try {
                released.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown-latch");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Blocks until the JVM is asked to shut down. */
    void await() throws InterruptedException {
        requested.await();
    }

    @Override
    public void close() {
        released.countDown();
        if (requested.getCount() > 0) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook runs now and returns at once: released is counted down.
            }
        }
    }
}
