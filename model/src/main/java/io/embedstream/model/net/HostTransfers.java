package io.embedstream.model.net;

import ai.djl.ndarray.NDArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one door through which training code reads an array back to the JVM (a device-to-host copy), counted.
 *
 * <p>Why count: on a GPU every such read makes the host wait until the device has finished all queued work, so a
 * step that reads many small values (a slope, each loss term, the gradient norm) keeps the device idle between
 * them. PyTorch's profiler does not show these copies on the CPU (no copy happens there), so the count has to come
 * from the code: every read in the training step goes through {@link #read}, and {@code bench --profile-steps}
 * reports the reads per step. A read elsewhere ({@code toFloatArray()} in a step's code) would escape the count;
 * {@code TrainingStepTransfersTest} checks the step's figure against what the step returns.
 */
public final class HostTransfers {
    private static final AtomicLong READS = new AtomicLong();
    private static final AtomicLong READ_BYTES = new AtomicLong();

    private HostTransfers() {}

    /** The array's values on the host: one counted device-to-host copy. */
    public static float[] read(NDArray array) {
        READS.incrementAndGet();
        READ_BYTES.addAndGet(array.size() * 4L);
        return array.toFloatArray();
    }

    /** Reads so far in this JVM (all threads). */
    public static long reads() {
        return READS.get();
    }

    /** Bytes read so far in this JVM (all threads). */
    public static long readBytes() {
        return READ_BYTES.get();
    }
}
