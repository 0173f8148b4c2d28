package io.embedstream.serving;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.embedstream.connectors.model.ClassTable;
import io.embedstream.connectors.model.ModelManifest;

/**
 * A loaded version with a reference count: one reference for being the served version, one per open lease. The
 * model is closed when the count drops to zero, i.e. after it was replaced and the last in-flight caller let go.
 */
final class ServedModel<M> {

    private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);

    private final M model;
    private final ModelManifest manifest;
    /** Null when the version has no class table blob. */
    private final ClassTable classTable;
    private final AtomicInteger references = new AtomicInteger(1);

    ServedModel(M model, ModelManifest manifest, ClassTable classTable) {
        this.model = model;
        this.manifest = manifest;
        this.classTable = classTable;
    }

    M model() {
        return model;
    }

    ModelManifest manifest() {
        return manifest;
    }

    Optional<ClassTable> classTable() {
        return Optional.ofNullable(classTable);
    }

    long version() {
        return manifest.version();
    }

    /** Takes a reference unless the model is already closed (then the caller looks for the newer one). */
    boolean retain() {
        while (true) {
            int count = references.get();
            if (count == 0) {
                return false;
            }
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    void release() {
        int left = references.decrementAndGet();
        if (left == 0) {
            closeModel();
        } else if (left < 0) {
            throw new IllegalStateException("version " + version() + " released more often than retained");
        }
    }

    private void closeModel() {
        if (model instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing model version {} failed: {}", version(), e.toString());
            }
        }
    }
}
