package io.embedstream.model.net;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's grad mode is per thread and on by default in every new thread; DJL only switches it off in the thread
 * that loaded the engine. Code that updates parameters in place or runs inference must switch it off itself, or
 * PyTorch refuses in-place updates of leaf tensors (and inference would record autograd graphs). Flink runs each
 * task, and each restart of it, in a new thread.
 */
public final class GradMode {
    private GradMode() {}

    /** Turns gradient recording off for the calling thread. */
    public static void disable() {
        JniUtils.setGradMode(false);
    }
}
