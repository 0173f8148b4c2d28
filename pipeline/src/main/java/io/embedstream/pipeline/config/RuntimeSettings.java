package io.embedstream.pipeline.config;

import io.embedstream.types.FitMode;
import java.io.Serializable;

/**
 * Flink runtime settings. Defaults: checkpoint every 10 s, RocksDB state backend, checkpoints under
 * {@code file:///tmp/embedstream/checkpoints}, decode and quality parallelism 1, records up to 4 MiB, the trainer's
 * operators on every core, images of another aspect ratio stretched to the network's input.
 *
 * @param stateBackend   {@code rocksdb} or {@code hashmap}
 * @param trainerThreads operator threads of the training step; 0 = one per core of the TaskManager that runs the
 *                       trainer (counted there by the trainer operator, not here: this runs on the client). Set
 *                       explicitly on the trainer's thread because PyTorch gives a thread that never chose the count
 *                       set last by any other thread (the metrics operator's single inference thread, for one)
 * @param fitMode        how the decoder fits an image of another aspect ratio to the network's input
 */
public record RuntimeSettings(long checkpointIntervalMillis, String stateBackend, String checkpointDirectory,
                              int decodeParallelism, int qualityParallelism, int maxRecordBytes, int trainerThreads,
                              FitMode fitMode)
        implements Serializable {

    public RuntimeSettings {
        if (checkpointIntervalMillis < 100) {
            throw new IllegalArgumentException("checkpoint interval must be at least 100 ms, got " + checkpointIntervalMillis);
        }
        if (!stateBackend.equals("rocksdb") && !stateBackend.equals("hashmap")) {
            throw new IllegalArgumentException("state backend must be rocksdb or hashmap, got " + stateBackend);
        }
        if (decodeParallelism < 1 || qualityParallelism < 1 || maxRecordBytes < 1) {
            throw new IllegalArgumentException("parallelism and max record bytes must be positive");
        }
        if (trainerThreads < 0) {
            throw new IllegalArgumentException("runtime.trainer-threads must be >= 0 (0 = every core), got "
                    + trainerThreads);
        }
        java.util.Objects.requireNonNull(fitMode, "fit mode");
    }

    public RuntimeSettings(long checkpointIntervalMillis, String stateBackend, String checkpointDirectory,
                           int decodeParallelism, int qualityParallelism, int maxRecordBytes, int trainerThreads) {
        this(checkpointIntervalMillis, stateBackend, checkpointDirectory, decodeParallelism, qualityParallelism,
                maxRecordBytes, trainerThreads, FitMode.STRETCH);
    }

    public RuntimeSettings(long checkpointIntervalMillis, String stateBackend, String checkpointDirectory,
                           int decodeParallelism, int qualityParallelism, int maxRecordBytes) {
        this(checkpointIntervalMillis, stateBackend, checkpointDirectory, decodeParallelism, qualityParallelism,
                maxRecordBytes, 0);
    }

    /** The trainer's operator threads on a machine with {@code cores} cores: the setting, or every core for 0. */
    public static int trainerThreadsOn(int trainerThreads, int cores) {
        return trainerThreads > 0 ? trainerThreads : cores;
    }

    public static RuntimeSettings defaults() {
        return new RuntimeSettings(10_000, "rocksdb", "file:///tmp/embedstream/checkpoints", 1, 1, 4 * 1024 * 1024);
    }

    public RuntimeSettings withCheckpointDirectory(String dir) {
        return new RuntimeSettings(checkpointIntervalMillis, stateBackend, dir, decodeParallelism, qualityParallelism,
                maxRecordBytes, trainerThreads, fitMode);
    }
}
