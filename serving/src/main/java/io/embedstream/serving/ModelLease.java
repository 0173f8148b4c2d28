package io.embedstream.serving;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import io.embedstream.connectors.model.ClassTable;
import io.embedstream.connectors.model.ModelManifest;

/**
 * One caller's hold on the version served when it was acquired: that model stays open until the lease is closed,
 * even if a newer version is swapped in meanwhile. Close it (try-with-resources) as soon as the work is done.
 * Not for sharing between threads.
 *
 * @param <M> the loaded model
 */
public final class ModelLease<M> implements AutoCloseable {

    private final ServedModel<M> served;
    private final AtomicBoolean closed = new AtomicBoolean();

    ModelLease(ServedModel<M> served) {
        this.served = served;
    }

    public M model() {
        if (closed.get()) {
            throw new IllegalStateException("lease on version " + served.version() + " is closed");
        }
        return served.model();
    }

    public long version() {
        return served.version();
    }

    public ModelManifest manifest() {
        return served.manifest();
    }

    /**
     * The version's class table, published beside its parameters; empty for a version without one (an older
     * version may carry its class table inline in the manifest's extras: {@link ClassCentroids#of} reads both).
     */
    public Optional<ClassTable> classTable() {
        return served.classTable();
    }

    /** Releases the model; the last release of a replaced version closes it. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            served.release();
        }
    }
}
