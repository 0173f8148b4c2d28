package io.embedstream.pipeline.operators;

import io.embedstream.model.random.Rng;
import io.embedstream.pipeline.types.ScoredImage;
import io.embedstream.pipeline.types.StepRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the step records of one metrics window: embeddings, labels and qualities row by row, running means
 * of the loss components, and a uniform sample (reservoir) of the input images that arrive meanwhile, for the
 * data-drift test.
 */
final class WindowAccumulator {
    private final int dimension;
    private final int sampleSize;
    private final Rng rng;
    private float[] embeddings = new float[0];
    private int[] labels = new int[0];
    private float[] qualities = new float[0];
    private int rows;
    private int steps;
    private int skipped;
    private int replayed;
    private double lossSum;
    private double gradientNormSum;
    private float learningRate;
    private long firstMillis = -1;
    private long lastMillis;
    private long lastStep;
    private long lastVersion;
    private long[] batcher = new long[3];
    private long skippedStepsTotal;
    private final Map<String, double[]> components = new LinkedHashMap<>();
    private final List<ScoredImage> sample = new ArrayList<>();
    private long seenImages;

    WindowAccumulator(int dimension, int sampleSize, long seed) {
        this.dimension = dimension;
        this.sampleSize = sampleSize;
        this.rng = new Rng(seed);
    }

    void add(StepRecord r, long windowStartMillis) {
        if (firstMillis < 0) {
            firstMillis = windowStartMillis > 0 ? windowStartMillis : r.timestampMillis - r.stepNanos / 1_000_000;
        }
        int n = r.labels.length;
        ensureCapacity(rows + n);
        System.arraycopy(r.embeddings, 0, embeddings, rows * dimension, n * dimension);
        System.arraycopy(r.labels, 0, labels, rows, n);
        if (r.qualities != null) {
            System.arraycopy(r.qualities, 0, qualities, rows, n);
        } else {
            Arrays.fill(qualities, rows, rows + n, Float.NaN);
        }
        rows += n;
        steps++;
        skipped += r.applied ? 0 : 1;
        replayed += r.replayed;
        if (r.applied) {
            lossSum += r.loss;
            gradientNormSum += r.gradientNorm;
            for (int i = 0; i < r.componentNames.length; i++) {
                double[] acc = components.computeIfAbsent(r.componentNames[i], k -> new double[2]);
                acc[0] += r.componentValues[i];
                acc[1]++;
            }
        }
        learningRate = r.learningRate;
        lastMillis = r.timestampMillis;
        lastStep = r.step;
        lastVersion = r.modelVersion;
        batcher = new long[] {r.batcherIngested, r.batcherBuffered, r.batcherDropped};
        skippedStepsTotal = r.skippedSteps;
    }

    /** Reservoir sampling of the input images that arrive during the window. */
    void addSample(ScoredImage image) {
        seenImages++;
        if (sample.size() < sampleSize) {
            sample.add(image);
        } else {
            long j = Math.floorMod(rng.nextLong(), seenImages);
            if (j < sampleSize) {
                sample.set((int) j, image);
            }
        }
    }

    private void ensureCapacity(int needed) {
        if (labels.length < needed) {
            int capacity = Math.max(needed, labels.length * 2);
            embeddings = Arrays.copyOf(embeddings, capacity * dimension);
            labels = Arrays.copyOf(labels, capacity);
            qualities = Arrays.copyOf(qualities, capacity);
        }
    }

    int rows() { return rows; }
    int steps() { return steps; }
    int skipped() { return skipped; }
    int replayed() { return replayed; }
    long lastStep() { return lastStep; }
    long lastVersion() { return lastVersion; }
    long lastMillis() { return lastMillis; }
    float learningRate() { return learningRate; }
    /** Batcher totals at the window's last step: ingested, buffered, dropped. */
    long[] batcher() { return batcher; }
    long skippedStepsTotal() { return skippedStepsTotal; }
    List<ScoredImage> sample() { return sample; }

    float[] embeddings() { return Arrays.copyOf(embeddings, rows * dimension); }
    int[] labels() { return Arrays.copyOf(labels, rows); }

    /** Qualities, or null when any row has none. */
    float[] qualities() {
        float[] q = Arrays.copyOf(qualities, rows);
        for (float v : q) {
            if (Float.isNaN(v)) {
                return null;
            }
        }
        return q;
    }

    double imagesPerSecond() {
        double seconds = (lastMillis - firstMillis) / 1000.0;
        return seconds > 0 ? rows / seconds : 0;
    }

    double meanLoss() {
        int applied = steps - skipped;
        return applied == 0 ? Double.NaN : lossSum / applied;
    }

    double meanGradientNorm() {
        int applied = steps - skipped;
        return applied == 0 ? Double.NaN : gradientNormSum / applied;
    }

    Map<String, Double> meanComponents() {
        Map<String, Double> means = new LinkedHashMap<>();
        components.forEach((name, acc) -> means.put(name, acc[0] / acc[1]));
        return means;
    }
}
