package io.embedstream.serving;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.embedstream.connectors.model.PublishedModel;

/**
 * The served version and the swap: a new version is loaded next to the old one, then one atomic reference write
 * makes it the version new callers get; the old one is closed when its last lease is released. Written by one
 * follower thread, read by any number of callers.
 */
final class ModelSlot<M> {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSlot.class);
    private static final int RECENT_REFUSALS = 32;

    private final ModelLoader<M> loader;
    private final Consumer<ModelSwap> onSwap;
    private final Consumer<ModelRefusal> onRefusal;
    private final String source;

    private final AtomicReference<ServedModel<M>> current = new AtomicReference<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong swaps = new AtomicLong();
    private final Deque<ModelRefusal> recent = new ArrayDeque<>();
    private final Object monitor = new Object();
    private boolean finished;
    private boolean closed;
    private Throwable failure;

    ModelSlot(ModelLoader<M> loader, Consumer<ModelSwap> onSwap, Consumer<ModelRefusal> onRefusal, String source) {
        this.loader = loader;
        this.onSwap = onSwap;
        this.onRefusal = onRefusal;
        this.source = source;
    }

    /** The served version, or -1. */
    long currentVersion() {
        ServedModel<M> served = current.get();
        return served == null ? -1 : served.version();
    }

    /**
     * Loads {@code model} and serves it, unless it is not newer than the served version.
     *
     * @return whether it is now served; a loader failure is refused and counted, and the old version stays
     */
    boolean offer(PublishedModel model) {
        return swapIn(model, false);
    }

    /**
     * Serves {@code model}, an earlier version, because a rollback record names it: the only way the served version
     * goes back.
     *
     * @return whether it is now served
     */
    boolean rollBack(PublishedModel model, String reason) {
        LOG.warn("{}: rolling back from version {} to version {}{}", source, currentVersion(), model.version(),
                reason == null || reason.isBlank() ? "" : ": " + reason);
        return swapIn(model, true);
    }

    private boolean swapIn(PublishedModel model, boolean rollback) {
        long version = model.version();
        long previous = currentVersion();
        if (version == previous || (version < previous && !rollback)) {
            LOG.debug("{}: version {} ignored, version {} is served", source, version, previous);
            return false;
        }
        long start = System.nanoTime();
        M loaded;
        try {
            loaded = loader.load(model);
        } catch (Exception | LinkageError e) {
            refuse(Long.toString(version), "version " + version + " could not be loaded: " + describe(e));
            return false;
        }
        if (loaded == null) {
            refuse(Long.toString(version), "version " + version + " could not be loaded: the loader returned null");
            return false;
        }
        double loadMillis = (System.nanoTime() - start) / 1e6;
        ServedModel<M> next = new ServedModel<>(loaded, model.manifest(), model.classTable());
        ServedModel<M> old;
        synchronized (monitor) {
            if (closed) {
                next.release();
                return false;
            }
            swaps.incrementAndGet(); // before the swap is visible, so a caller that sees it sees the count
            old = current.getAndSet(next);
            monitor.notifyAll();
        }
        Instant swappedAt = Instant.now();
        if (old != null) {
            old.release();
        }
        ModelSwap swap = new ModelSwap(previous, model.manifest(), loadMillis, swappedAt);
        try {
            onSwap.accept(swap);
        } catch (RuntimeException e) {
            LOG.warn("{}: swap listener failed: {}", source, e.toString());
        }
        return true;
    }

    void refuse(String version, String reason) {
        ModelRefusal refusal = new ModelRefusal(version, reason, Instant.now());
        synchronized (recent) {
            if (recent.size() == RECENT_REFUSALS) {
                recent.removeFirst();
            }
            recent.addLast(refusal);
        }
        LOG.warn("{}: refused model {}: {}{}", source, version, reason,
                currentVersion() >= 0 ? " (version " + currentVersion() + " keeps serving)" : "");
        try {
            onRefusal.accept(refusal);
        } catch (RuntimeException e) {
            LOG.warn("{}: refusal listener failed: {}", source, e.toString());
        } finally {
            // Counted after the listener ran, so a caller that sees the count also sees what its listener recorded.
            refused.incrementAndGet();
        }
    }

    Optional<ModelLease<M>> tryAcquire() {
        while (true) {
            ServedModel<M> served = current.get();
            if (served == null) {
                return Optional.empty();
            }
            // Fails only if this version was replaced and closed since we read it: the next read sees its successor.
            if (served.retain()) {
                return Optional.of(new ModelLease<>(served));
            }
        }
    }

    long refusedCount() {
        return refused.get();
    }

    long swapCount() {
        return swaps.get();
    }

    List<ModelRefusal> recentRefusals() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** The follower stopped: it will serve nothing newer (pinned, failed or closed). */
    void finish(Throwable cause) {
        synchronized (monitor) {
            finished = true;
            failure = cause;
            monitor.notifyAll();
        }
    }

    boolean finished() {
        synchronized (monitor) {
            return finished;
        }
    }

    Optional<Throwable> failure() {
        synchronized (monitor) {
            return Optional.ofNullable(failure);
        }
    }

    /** Waits until a version is served or the follower stopped; true if a version is served. */
    boolean awaitModel(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (monitor) {
            while (current.get() == null && !finished && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            }
            return current.get() != null;
        }
    }

    /** Stops serving: the current model is closed once its last lease is released. */
    void close() {
        ServedModel<M> old;
        synchronized (monitor) {
            closed = true;
            old = current.getAndSet(null);
            monitor.notifyAll();
        }
        if (old != null) {
            old.release();
        }
    }

    @Override
    public String toString() {
        return source;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + message.lines().findFirst().orElse("");
    }
}
