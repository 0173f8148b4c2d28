package io.embedstream.pipeline.cli;

import io.embedstream.connectors.wire.metrics.MetricsRecord;
import io.embedstream.pipeline.operators.Accumulators;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Samples the demo's process and job every interval into a CSV, so that a long run shows whether memory, checkpoint
 * size and the loss counters stay flat: resident memory (which includes PyTorch's native allocations), JVM heap
 * used and committed, resident minus committed heap (native and JVM overhead), the size of the newest completed
 * checkpoint, and the job's counters.
 */
final class SoakRecorder implements AutoCloseable {
    static final String HEADER = "elapsed_s,rss_mib,heap_used_mib,heap_committed_mib,rss_minus_heap_mib,"
            + "checkpoint_bytes,decoded,trained,dropped,dead_letters,step,model_version";

    private final Path csv;
    private final long intervalMillis;
    private final Supplier<Map<String, Object>> accumulators;
    private final Supplier<MetricsRecord> latestMetrics;
    private final Path checkpoints;
    private final long started = System.nanoTime();
    private final Thread thread;
    private volatile boolean stopped;

    SoakRecorder(Path csv, long intervalMillis, Supplier<Map<String, Object>> accumulators,
                 Supplier<MetricsRecord> latestMetrics, Path checkpoints) throws IOException {
        this.csv = csv;
        this.intervalMillis = intervalMillis;
        this.accumulators = accumulators;
        this.latestMetrics = latestMetrics;
        this.checkpoints = checkpoints;
        Path parent = csv.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(csv, HEADER + System.lineSeparator());
        thread = new Thread(this::run, "soak-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try (BufferedWriter out = Files.newBufferedWriter(csv, java.nio.file.StandardOpenOption.APPEND)) {
            while (!stopped) {
                out.write(sample());
                out.newLine();
                out.flush();
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write soak samples to " + csv, e);
        }
    }

    private String sample() {
        Runtime r = Runtime.getRuntime();
        double heapUsed = (r.totalMemory() - r.freeMemory()) / (1024.0 * 1024.0);
        double heapCommitted = r.totalMemory() / (1024.0 * 1024.0);
        double rss = ProcessMemory.residentMiB();
        Map<String, Object> acc;
        try {
            acc = accumulators.get();
        } catch (RuntimeException e) {
            acc = Map.of();
        }
        MetricsRecord m = latestMetrics.get();
        return String.format(Locale.ROOT, "%.0f,%.1f,%.1f,%.1f,%.1f,%d,%d,%d,%d,%d,%d,%d",
                (System.nanoTime() - started) / 1e9, rss, heapUsed, heapCommitted, rss - heapCommitted,
                newestCheckpointBytes(), Accumulators.value(acc, Accumulators.DECODED),
                Accumulators.value(acc, Accumulators.TRAINED_FRESH), Accumulators.value(acc, Accumulators.BATCHER_DROPPED),
                Accumulators.value(acc, Accumulators.DEAD_LETTERED),
                m == null ? 0 : m.step(), m == null ? 0 : m.modelVersion());
    }

    /** Bytes of the newest completed checkpoint (the chk-N directory with a _metadata file), 0 if none yet. */
    private long newestCheckpointBytes() {
        try (Stream<Path> files = Files.walk(checkpoints)) {
            Path newest = files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .max((a, b) -> Long.compare(checkpointNumber(a), checkpointNumber(b)))
                    .orElse(null);
            if (newest == null) {
                return 0;
            }
            long bytes = 0;
            try (Stream<Path> inside = Files.walk(newest)) {
                for (Path p : (Iterable<Path>) inside.filter(Files::isRegularFile)::iterator) {
                    bytes += Files.size(p);
                }
            }
            // RocksDB incremental checkpoints keep shared files outside chk-N; count them too.
            Path shared = newest.getParent().resolve("shared");
            if (Files.isDirectory(shared)) {
                try (Stream<Path> inside = Files.walk(shared)) {
                    for (Path p : (Iterable<Path>) inside.filter(Files::isRegularFile)::iterator) {
                        bytes += Files.size(p);
                    }
                }
            }
            return bytes;
        } catch (IOException | UncheckedIOException e) {
            // A checkpoint being subsumed while we walk it: report the next sample instead.
            return -1;
        }
    }

    private static long checkpointNumber(Path dir) {
        try {
            return Long.parseLong(dir.getFileName().toString().substring(4));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }
}
