package io.embedstream.pipeline.config;

import java.io.Serializable;

/**
 * Flink runtime settings. Defaults: checkpoint every 10 s, RocksDB state backend, checkpoints under
 * {@code file:///tmp/embedstream/checkpoints}, decode and quality parallelism 1, records up to 4 MiB.
 *
 * @param stateBackend {@code rocksdb} or {@code hashmap}
 */
public record RuntimeSettings(long checkpointIntervalMillis, String stateBackend, String checkpointDirectory,
                              int decodeParallelism, int qualityParallelism, int maxRecordBytes)
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
    }

    public static RuntimeSettings defaults() {
        return new RuntimeSettings(10_000, "rocksdb", "file:///tmp/embedstream/checkpoints", 1, 1, 4 * 1024 * 1024);
    }

    public RuntimeSettings withCheckpointDirectory(String dir) {
        return new RuntimeSettings(checkpointIntervalMillis, stateBackend, dir, decodeParallelism, qualityParallelism,
                maxRecordBytes);
    }
}
