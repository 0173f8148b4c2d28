package io.embedstream.pipeline.operators;

import io.embedstream.pipeline.types.ScoredImage;
import io.embedstream.pipeline.types.StepRecord;

/**
 * The metrics operator's windowing: cuts the stream of step records into windows of a fixed number of embeddings,
 * each starting where the previous one ended (so that its images per second covers the time between windows too).
 */
final class MetricsWindows {
    private final int dimension;
    private final int windowSize;
    private final int sampleSize;
    private final long seed;
    private WindowAccumulator current;
    private long startMillis;

    /**
     * @param sampleSize    input images kept per window for the data-drift test
     * @param seed          the job's seed; each window's sample draws from it plus the number of windows before it
     * @param windowsClosed windows closed so far (restored from a checkpoint)
     */
    MetricsWindows(int dimension, int windowSize, int sampleSize, long seed, long windowsClosed) {
        this.dimension = dimension;
        this.windowSize = windowSize;
        this.sampleSize = sampleSize;
        this.seed = seed;
        this.current = accumulator(windowsClosed);
    }

    WindowAccumulator current() {
        return current;
    }

    /** Adds a step's embeddings; true when that filled the window, which is then to be closed and {@link #next}ed. */
    boolean add(StepRecord record) {
        current.add(record, startMillis);
        return current.rows() >= windowSize;
    }

    /** An input image that arrived during the current window, for its data-drift sample. */
    void addSample(ScoredImage image) {
        current.addSample(image);
    }

    /** Starts the next window where the current one ended. */
    void next(long windowsClosed) {
        startMillis = current.lastMillis();
        current = accumulator(windowsClosed);
    }

    private WindowAccumulator accumulator(long windowsClosed) {
        return new WindowAccumulator(dimension, sampleSize, seed + windowsClosed);
    }
}
