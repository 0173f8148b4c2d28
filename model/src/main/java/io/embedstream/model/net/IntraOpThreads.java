package io.embedstream.model.net;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's CPU operators run on OpenMP thread teams whose size is a setting of the calling thread. Two threads of
 * one process that both run operators (the trainer and an inference thread beside it) each start a team as large as
 * the machine, and on a small machine the two teams then wait for each other's cores at every parallel region.
 * Giving the secondary thread a small team leaves the trainer its cores.
 */
public final class IntraOpThreads {
    private IntraOpThreads() {}

    /**
     * Sets the operator parallelism of the calling thread only; other threads keep theirs.
     *
     * <p>A thread that never calls this does not get the machine's count: PyTorch initialises it, at its first
     * operator, with the count chosen last on any thread. So a thread beside one that chose a small team (the
     * trainer beside the metrics operator) must choose its own.
     */
    public static void setForCurrentThread(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("intra-op threads must be >= 1, got " + threads);
        }
        loadEngine();
        // PyTorch initialises a thread's count lazily, at its first parallel operator or count query, to the count
        // chosen last on any thread. Force that initialisation now, or it would later overwrite this choice: whether
        // it already happened depends on which operators this thread ran, so without this the outcome depends on
        // test and operator order.
        JniUtils.getNumThreads();
        JniUtils.setNumThreads(threads);
    }

    /** The operator parallelism of the calling thread. */
    public static int ofCurrentThread() {
        loadEngine();
        return JniUtils.getNumThreads();
    }

    /** The JNI calls fail with UnsatisfiedLinkError until the engine has loaded the native library. */
    private static void loadEngine() {
        Engine.getEngine("PyTorch");
    }
}
