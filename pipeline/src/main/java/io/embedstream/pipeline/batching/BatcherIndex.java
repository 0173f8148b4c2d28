package io.embedstream.pipeline.batching;

import java.util.Arrays;

/**
 * The batcher's small, fixed-size state (Flink POJO): the ends and sizes of its class lists, totals, the sampling
 * RNG and counters. Its size does not depend on the number of classes, so writing it once per record stays cheap.
 */
public class BatcherIndex {
    public int[] head = new int[ClassLists.COUNT];
    public int[] tail = new int[ClassLists.COUNT];
    public int[] size = new int[ClassLists.COUNT];
    /** Fresh images buffered, all classes. */
    public long buffered;
    /** Images held in the replay reservoirs, all classes. */
    public long replayImages;
    /** Length of the replay-class array. */
    public int replayClasses;
    public long rngState;
    public long batches;
    /** Images dropped unbatched: the oldest of a full class buffer, or a whole idle class's buffer when evicted. */
    public long dropped;
    /** Idle classes whose fresh buffer was evicted to keep the total under the bound. */
    public long evictedClasses;
    /** Idle classes whose replay reservoir was evicted to keep the total under the bound. */
    public long evictedReservoirs;
    public long ingested;
    public long lastBatchMillis;
    /** Classes in the registry ({@link ClassRegistry}). */
    public int registeredClasses;
    /** No index below this is free for a new class name. */
    public int nextFreeClass;

    public BatcherIndex() {}

    public static BatcherIndex create(long seed) {
        BatcherIndex index = new BatcherIndex();
        Arrays.fill(index.head, ClassLists.NONE);
        Arrays.fill(index.tail, ClassLists.NONE);
        index.rngState = seed;
        return index;
    }
}
