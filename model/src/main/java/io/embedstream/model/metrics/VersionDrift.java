package io.embedstream.model.metrics;

import io.embedstream.model.compat.EmbeddingMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Compares two model versions on a fixed probe set: the same images embedded by the old and the new
 * version, row i of one window being the same image as row i of the other. The two versions may have
 * different embedding sizes. Runs once per model publication, not per window, so it favours exactness
 * (all n^2 neighbour similarities) over speed.
 *
 * <p>Thread-safe: holds only its immutable configuration.
 */
public final class VersionDrift {
    private final VersionDriftConfig config;

    public VersionDrift(VersionDriftConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public static VersionDrift withDefaults() {
        return new VersionDrift(VersionDriftConfig.defaults());
    }

    /**
     * @throws IllegalArgumentException if the windows have different row counts or disagreeing labels
     */
    public VersionDriftReport compare(EmbeddingWindow oldVersion, EmbeddingWindow newVersion) {
        Objects.requireNonNull(oldVersion, "oldVersion");
        Objects.requireNonNull(newVersion, "newVersion");
        if (oldVersion.n() != newVersion.n()) {
            throw new IllegalArgumentException("probe sets differ in size: " + oldVersion.n() + " vs " + newVersion.n()
                    + " (row i of both must be the same image)");
        }
        int[] labels = oldVersion.rawLabels() != null ? oldVersion.rawLabels() : newVersion.rawLabels();
        if (oldVersion.rawLabels() != null && newVersion.rawLabels() != null
                && !Arrays.equals(oldVersion.rawLabels(), newVersion.rawLabels())) {
            throw new IllegalArgumentException("the two probe windows carry different labels; they must be the same images");
        }
        List<String> notes = new ArrayList<>();
        // Keep only rows finite in both versions so that the pairing survives.
        int[] keep = rowsFiniteInBoth(oldVersion, newVersion);
        int dropped = oldVersion.n() - keep.length;
        EmbeddingWindow usableOld = oldVersion;
        EmbeddingWindow usableNew = newVersion;
        if (dropped > 0) {
            notes.add("version: ignored " + dropped + " probe rows with NaN or infinite values in either version");
            usableOld = select(oldVersion, keep);
            usableNew = select(newVersion, keep);
            labels = labels == null ? null : select(labels, keep);
        }
        FiniteRows a = FiniteRows.of(usableOld);
        FiniteRows b = FiniteRows.of(usableNew);
        int n = keep.length;
        if (n < 2) {
            notes.add("version: needs >= 2 usable probe rows, got " + n);
            return new VersionDriftReport(n, dropped, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                    OptionalDouble.empty(), Map.of(), notes);
        }
        if (a.zeroNormRows > 0 || b.zeroNormRows > 0) {
            notes.add("version: all-zero embeddings have no direction; they count as dissimilar to everything");
        }
        OptionalDouble cka = LinearCka.of(a.x, a.d, b.x, b.d, n);
        if (cka.isEmpty()) {
            notes.add("version: linear CKA undefined because one version has zero variance on the probe set");
        }
        OptionalDouble overlap = OptionalDouble.empty();
        int k = config.neighbours();
        if (n > k) {
            overlap = OptionalDouble.of(knnOverlap(a.z, a.d, b.z, b.d, n, k));
        } else {
            notes.add("version: kNN@" + k + " overlap needs more than " + k + " probe rows, got " + n);
        }
        double[] aligned = procrustesAlign(a.z, a.d, b.z, b.d, n);
        int d = a.d;
        double[] sampleShift = new double[1];
        for (int i = 0; i < n; i++) {
            sampleShift[0] += Math.sqrt(DenseOps.squaredDistance(a.z, i * d, aligned, i * d, d));
        }
        double overall = centroidDistance(a.z, aligned, null, -1, n, d);
        Map<Integer, Double> perClass = new HashMap<>();
        if (labels != null) {
            for (int label : Arrays.stream(labels).distinct().toArray()) {
                perClass.put(label, centroidDistance(a.z, aligned, labels, label, n, d));
            }
        }
        return new VersionDriftReport(n, dropped, cka, overlap, OptionalDouble.of(overall),
                OptionalDouble.of(sampleShift[0] / n), perClass, notes);
    }

    private static int[] rowsFiniteInBoth(EmbeddingWindow a, EmbeddingWindow b) {
        int[] keep = new int[a.n()];
        int c = 0;
        for (int i = 0; i < a.n(); i++) {
            if (rowFinite(a, i) && rowFinite(b, i)) {
                keep[c++] = i;
            }
        }
        return Arrays.copyOf(keep, c);
    }

    private static boolean rowFinite(EmbeddingWindow w, int i) {
        float[] x = w.rawData();
        for (int j = i * w.d(); j < (i + 1) * w.d(); j++) {
            if (!Float.isFinite(x[j])) {
                return false;
            }
        }
        return true;
    }

    private static EmbeddingWindow select(EmbeddingWindow w, int[] rows) {
        int d = w.d();
        float[] x = new float[rows.length * d];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(w.rawData(), rows[r] * d, x, r * d, d);
        }
        return EmbeddingWindow.of(x, rows.length, d);
    }

    private static int[] select(int[] v, int[] rows) {
        int[] out = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            out[r] = v[rows[r]];
        }
        return out;
    }

    /** Mean fraction of shared cosine k-nearest neighbours (self excluded). */
    static double knnOverlap(double[] za, int da, double[] zb, int db, int n, int k) {
        int[][] na = neighbours(DenseOps.gram(za, n, da), n, k);
        int[][] nb = neighbours(DenseOps.gram(zb, n, db), n, k);
        double sum = 0;
        boolean[] mark = new boolean[n];
        for (int i = 0; i < n; i++) {
            for (int j : na[i]) {
                mark[j] = true;
            }
            int shared = 0;
            for (int j : nb[i]) {
                if (mark[j]) {
                    shared++;
                }
            }
            for (int j : na[i]) {
                mark[j] = false;
            }
            sum += shared / (double) k;
        }
        return sum / n;
    }

    /** For each row, the k most similar other rows; ties go to the lower index so the result is deterministic. */
    private static int[][] neighbours(double[] sim, int n, int k) {
        int[][] out = new int[n][k];
        double[] bestSim = new double[k];
        int[] bestIdx = new int[k];
        for (int i = 0; i < n; i++) {
            int size = 0;
            int off = i * n;
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double s = sim[off + j];
                if (size == k && s <= bestSim[k - 1]) {
                    continue; // strictly better needed: an equal later index loses the tie
                }
                int pos = size == k ? k - 1 : size++;
                while (pos > 0 && bestSim[pos - 1] < s) {
                    bestSim[pos] = bestSim[pos - 1];
                    bestIdx[pos] = bestIdx[pos - 1];
                    pos--;
                }
                bestSim[pos] = s;
                bestIdx[pos] = j;
            }
            System.arraycopy(bestIdx, 0, out[i], 0, k);
        }
        return out;
    }

    /**
     * Rows of zb mapped into the old space by the orthogonal (semi-orthogonal when da != db) R minimising
     * |za - zb R|_F: the unscaled Procrustes fit that carried indexes use too.
     */
    private static double[] procrustesAlign(double[] za, int da, double[] zb, int db, int n) {
        return EmbeddingMap.procrustes(zb, db, za, da, n, false).apply(zb, n);
    }

    /** |centroid(a) - centroid(b)| over rows with the given label (all rows when labels is null). */
    private static double centroidDistance(double[] a, double[] b, int[] labels, int label, int n, int d) {
        double[] diff = new double[d];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (labels != null && labels[i] != label) {
                continue;
            }
            count++;
            for (int j = 0; j < d; j++) {
                diff[j] += a[i * d + j] - b[i * d + j];
            }
        }
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += diff[j] * diff[j];
        }
        return Math.sqrt(s) / count;
    }
}
