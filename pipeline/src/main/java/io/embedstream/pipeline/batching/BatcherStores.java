package io.embedstream.pipeline.batching;

import io.embedstream.pipeline.types.ScoredImage;

/**
 * The batcher's keyed state besides its {@link BatcherIndex}: buffered images by (class, slot), the replay
 * reservoir by (class, slot), one {@link ClassEntry} per class that holds images, and the dense array of classes
 * that hold a reservoir (position -> class), which lets a batch draw replay classes at random without a scan.
 */
public record BatcherStores(KeyValueStore<Long, ScoredImage> fresh, KeyValueStore<Long, ScoredImage> replay,
                            KeyValueStore<Integer, ClassEntry> classes,
                            KeyValueStore<Integer, Integer> replayClasses) {}
