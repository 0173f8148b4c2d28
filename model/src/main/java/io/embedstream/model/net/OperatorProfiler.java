package io.embedstream.model.net;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;

/**
 * PyTorch's own operator profiler, around a piece of work: it records every native operator the process runs
 * between {@link #start()} and {@link #stop(Path)} and writes them as a Chrome trace (JSON events with name, start
 * and duration in microseconds). Where a training step spends its time is a property of the native kernels, which
 * a Java profiler does not see.
 */
public final class OperatorProfiler {
    private OperatorProfiler() {}

    public static void start() {
        Engine.getEngine("PyTorch");
        JniUtils.startProfile(false, false, false);
    }

    /** Stops recording and writes the trace to {@code trace}. */
    public static void stop(Path trace) {
        JniUtils.stopProfile(trace.toAbsolutePath().toString());
    }
}
