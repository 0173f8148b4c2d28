package io.embedstream.pipeline.dashboard;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link MetricsHistory} from a recorded file of metrics records (one JSON record per line, as on the metrics
 * topic; e.g. {@code kcat -C -e -q -X isolation.level=read_committed -t embedstream.metrics}), one record every
 * {@code interval}, so that a recorded run plays back as if live. Blank lines are skipped; lines that are not window
 * records are counted by the history as rejected.
 */
public final class ReplayFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayFeed.class);

    private final Thread thread;
    private final AtomicLong replayed = new AtomicLong();
    private volatile boolean finished;

    private ReplayFeed(Path file, Duration interval, MetricsHistory history) {
        thread = new Thread(() -> replay(file, interval, history), "dashboard-replay");
        thread.setDaemon(true);
    }

    /**
     * @throws IllegalArgumentException when the file does not exist or cannot be read
     */
    public static ReplayFeed start(Path file, Duration interval, MetricsHistory history) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("replay file " + file + " does not exist or cannot be read");
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("replay interval must not be negative");
        }
        ReplayFeed feed = new ReplayFeed(file, interval, history);
        feed.thread.start();
        return feed;
    }

    private void replay(Path file, Duration interval, MetricsHistory history) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                history.add(line.getBytes(StandardCharsets.UTF_8));
                replayed.incrementAndGet();
                if (!interval.isZero()) {
                    Thread.sleep(interval.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.error("replay of {} stopped: {}", file, e.toString());
        } finally {
            finished = true;
        }
    }

    /** Lines replayed so far. */
    public long replayed() {
        return replayed.get();
    }

    /** True once the whole file has been replayed (or the replay stopped). */
    public boolean finished() {
        return finished;
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(5000);
    }
}
