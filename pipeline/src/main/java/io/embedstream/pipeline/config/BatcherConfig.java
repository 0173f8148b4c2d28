package io.embedstream.pipeline.config;

import java.io.Serializable;

/**
 * How the class-diverse batcher builds batches of P classes x K samples.
 *
 * <p>Buffer policy: each class keeps at most {@code perClassCapacity} fresh images; when a class's buffer is full
 * a batch is cut around it, with what the other classes hold and, in the places of classes short of K, the
 * surplus of the others (at most K more each), so the batch keeps its P x K size; only when no other class can
 * join it is the oldest image dropped and counted ({@code batcher.dropped}), so a dominant class cannot starve
 * the others of memory. Replay: each class also keeps a reservoir sample of {@code replayPerClass} images it has seen
 * (Vitter's algorithm R); a batch that cannot find P classes with K fresh images each tops up with replayed ones,
 * so a non-stationary stream does not erase the classes it no longer shows. Timeout: when no full batch has been
 * built for {@code timeoutMillis}, whatever is buffered is cut into partial batches (each of at least
 * {@code minClasses} classes, at most K of each, topped up from the reservoir), so a slow stream still trains and an
 * image that can join a batch waits one timeout at most.
 *
 * <p>Bounds: with many classes and few images each, per-class limits alone do not bound the state, so the fresh
 * images of all classes together are at most {@code maxBuffered}, and the reservoirs together hold at most
 * {@code maxReplay}; past either, the least recently fed class's buffer (or reservoir) is evicted and counted
 * ({@code batcher.evicted-classes}, its images in {@code batcher.dropped}).
 *
 * <p>Defaults: P = 8, K = 16 (batch 128), capacity 64 per class, replay 32 per class, timeout 5 s, at least
 * 2 classes per batch, 8,192 buffered and 16,384 reservoir images in all. With at most 16 classes every batch
 * holds every class ({@link #defaultsFor}).
 *
 * <p>Class names ({@code classes.names}, default off): the {@code label} header may then be a name as well as an
 * index; the batcher, which sees every image, keeps the registry that gives names their indices (up to
 * {@code classes.max}; beyond it the image goes to the dead-letter topic, and the trainer's class weights grow to
 * match). Off, a label must be an integer below {@code --classes}.
 */
public record BatcherConfig(int classesPerBatch, int samplesPerClass, int perClassCapacity, int replayPerClass,
                            long timeoutMillis, int minClasses, int maxBuffered, int maxReplay, boolean classNames)
        implements Serializable {
    public static final int DEFAULT_MAX_BUFFERED = 8192;
    public static final int DEFAULT_MAX_REPLAY = 16384;
    /** Up to this many classes, every batch holds every class by default ({@link #defaultsFor}). */
    public static final int EVERY_CLASS_UP_TO = 16;

    public BatcherConfig {
        if (minClasses < 2) {
            throw new IllegalArgumentException("a batch needs at least 2 classes (LDMAT), got min classes " + minClasses);
        }
        if (classesPerBatch < minClasses) {
            throw new IllegalArgumentException("classes per batch (" + classesPerBatch + ") must be >= min classes ("
                    + minClasses + ")");
        }
        if (samplesPerClass < 1 || perClassCapacity < samplesPerClass) {
            throw new IllegalArgumentException("need 1 <= samples per class <= per-class capacity, got "
                    + samplesPerClass + " and " + perClassCapacity);
        }
        if (replayPerClass < 0 || timeoutMillis <= 0) {
            throw new IllegalArgumentException("replay per class must be >= 0 and timeout > 0, got "
                    + replayPerClass + " and " + timeoutMillis);
        }
        if (maxBuffered < Math.max(perClassCapacity, classesPerBatch * samplesPerClass)) {
            throw new IllegalArgumentException("batcher.max-buffered (" + maxBuffered + ") must hold a whole batch ("
                    + classesPerBatch * samplesPerClass + ") and a full class buffer (" + perClassCapacity + ")");
        }
        if (maxReplay < replayPerClass) {
            throw new IllegalArgumentException("batcher.max-replay (" + maxReplay
                    + ") must hold at least one class's reservoir (" + replayPerClass + ")");
        }
    }

    /** The default bounds on buffered and reservoir images. */
    public BatcherConfig(int classesPerBatch, int samplesPerClass, int perClassCapacity, int replayPerClass,
                         long timeoutMillis, int minClasses) {
        this(classesPerBatch, samplesPerClass, perClassCapacity, replayPerClass, timeoutMillis, minClasses,
                DEFAULT_MAX_BUFFERED, DEFAULT_MAX_REPLAY, false);
    }

    public BatcherConfig withClassNames(boolean accept) {
        return new BatcherConfig(classesPerBatch, samplesPerClass, perClassCapacity, replayPerClass, timeoutMillis,
                minClasses, maxBuffered, maxReplay, accept);
    }

    public static BatcherConfig defaults() {
        return new BatcherConfig(8, 16, 64, 32, 5000, 2);
    }

    /**
     * The defaults for a job that knows its classes up front. With 9 to 16 classes every batch holds every class,
     * P = classes and K = round(128 / classes), about the same 128 images (10 classes: 10 x 13): on mnist10k and
     * Fashion-MNIST held-out images that beat 8 x 16 on clean P@1 in all 5 seeds measured (issue 19,
     * docs/results.md), since each step's softmax and distance matrix then see every class. Under 9 classes
     * every class is in every batch already at K = 16 (the demo's rule before); over 16, 8 x 16 stays.
     *
     * @param classes the number of classes the labels are drawn from, or 0 when they are not known (class names)
     */
    public static BatcherConfig defaultsFor(int classes) {
        BatcherConfig d = defaults();
        if (classes < 2 || classes > EVERY_CLASS_UP_TO) {
            return d;
        }
        int k = classes > d.classesPerBatch ? Math.round((float) d.batchSize() / classes) : d.samplesPerClass;
        return new BatcherConfig(classes, k, d.perClassCapacity, d.replayPerClass, d.timeoutMillis, d.minClasses);
    }

    public int batchSize() {
        return classesPerBatch * samplesPerClass;
    }
}
