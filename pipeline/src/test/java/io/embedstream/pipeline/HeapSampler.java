package io.embedstream.pipeline;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Samples this JVM's heap in use right after a full collection, every {@code periodMillis} on its own thread: the
 * live data, what a leak or a retained oversized allocation would show up in, without the garbage that comes and
 * goes between collections.
 */
final class HeapSampler implements AutoCloseable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread thread;
    private volatile long max;
    private volatile long last;
    private volatile int samples;

    HeapSampler(long periodMillis) {
        thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                sample();
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        thread.setDaemon(true);
    }

    /** The heap in use after a full collection now. */
    static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    HeapSampler start() {
        thread.start();
        return this;
    }

    private synchronized void sample() {
        memory.gc();
        long used = memory.getHeapMemoryUsage().getUsed();
        last = used;
        max = Math.max(max, used);
        samples++;
    }

    long max() {
        return max;
    }

    long last() {
        return last;
    }

    int samples() {
        return samples;
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
    }
}
