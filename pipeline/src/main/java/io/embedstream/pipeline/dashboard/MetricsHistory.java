package io.embedstream.pipeline.dashboard;

import io.embedstream.connectors.wire.WireFormatException;
import io.embedstream.connectors.wire.metrics.MetricsRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The metrics window records seen so far (the newest {@code capacity} of them), and the listeners that want each
 * new one. {@link #subscribe} hands a new listener the history and registers it in one step, so a browser that
 * connects while records arrive sees every record exactly once: those before it in the history, the rest live.
 *
 * <p>Records are kept as compact one-line JSON, the form a server-sent event carries, as {@link MetricsRecord} writes
 * them: the page gets the keys of the topic's wire format and no others.
 */
public final class MetricsHistory {
    private final int capacity;
    private final ArrayDeque<String> records = new ArrayDeque<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private long accepted;
    private long rejected;

    /** @param capacity the most records kept; older ones are dropped first (memory stays bounded on long runs) */
    public MetricsHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("history capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Adds one record as read from the metrics topic or a recorded file.
     *
     * @return false (and the record is counted as rejected) when it is not a metrics window record; a foreign or
     *         malformed record on the topic must not break the page
     */
    public boolean add(byte[] value) {
        MetricsRecord record;
        try {
            record = MetricsRecord.fromJson(value);
        } catch (WireFormatException e) {
            synchronized (this) {
                rejected++;
            }
            return false;
        }
        String line = new String(record.toJson(), StandardCharsets.UTF_8);
        synchronized (this) {
            records.addLast(line);
            if (records.size() > capacity) {
                records.removeFirst();
            }
            accepted++;
            for (Consumer<String> listener : listeners) {
                listener.accept(line);
            }
        }
        return true;
    }

    /**
     * Registers a listener for new records and returns the history up to that moment; no record falls between the
     * two. The listener is called under this history's lock, so it must only hand the record on (e.g. enqueue it).
     */
    public synchronized List<String> subscribe(Consumer<String> listener) {
        listeners.add(listener);
        return new ArrayList<>(records);
    }

    public void unsubscribe(Consumer<String> listener) {
        listeners.remove(listener);
    }

    public synchronized List<String> snapshot() {
        return new ArrayList<>(records);
    }

    /** Records accepted so far (including any dropped from the history for capacity). */
    public synchronized long accepted() {
        return accepted;
    }

    /** Records that were not metrics window records (foreign, or missing or mistyping a key). */
    public synchronized long rejected() {
        return rejected;
    }
}
