package io.embedstream.experiments.drift;

import io.embedstream.model.random.Rng;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds the windows of a simulated stream from two pools of labelled embeddings: the distribution before the
 * switch and the one after it. Each window is {@code windowSize} rows in random order.
 *
 * <ul>
 *   <li>{@link #stationary()}: every row from the old pool, in its natural class mix.</li>
 *   <li>{@link #mixed(int)}: that many rows from the new pool, the rest from the old one (an abrupt switch is
 *       a window of new rows only, a gradual one a growing share: {@link #gradualShiftedRows}).</li>
 *   <li>{@link #classMix(Map)}: rows from the old pool with the given class shares (a label shift).</li>
 * </ul>
 * Not thread-safe.
 */
public final class DriftStream {
    private final EmbeddingPool before;
    private final EmbeddingPool after;
    private final int windowSize;
    private final Rng rng;

    /**
     * @param before     the distribution before the switch
     * @param after      the distribution after it, or null when only the class mix changes
     * @param windowSize rows per window
     * @param seed       seed of the row order within a window
     */
    public DriftStream(EmbeddingPool before, EmbeddingPool after, int windowSize, long seed) {
        this.before = Objects.requireNonNull(before, "before");
        this.after = after;
        if (windowSize < 2) {
            throw new IllegalArgumentException("a window needs at least 2 rows, got " + windowSize);
        }
        if (after != null && after.dimension() != before.dimension()) {
            throw new IllegalArgumentException("the pools differ in dimension: " + before.dimension() + " and "
                    + after.dimension());
        }
        this.windowSize = windowSize;
        this.rng = new Rng(seed);
    }

    /** A window of the old distribution. */
    public StreamWindow stationary() {
        return mixed(0);
    }

    /** A window with {@code shiftedRows} rows from the new distribution and the rest from the old one. */
    public StreamWindow mixed(int shiftedRows) {
        if (shiftedRows < 0 || shiftedRows > windowSize) {
            throw new IllegalArgumentException("shifted rows must be in [0, " + windowSize + "], got " + shiftedRows);
        }
        if (shiftedRows > 0 && after == null) {
            throw new IllegalStateException("this stream has no second distribution");
        }
        int[] source = new int[windowSize];
        boolean[] shifted = new boolean[windowSize];
        for (int i = 0; i < windowSize; i++) {
            shifted[i] = i < shiftedRows;
            source[i] = shifted[i] ? after.next() : before.next();
        }
        return assemble(source, shifted, shiftedRows);
    }

    /**
     * A window of the old distribution with class shares {@code shares} (label -> share, summing to 1); the row
     * counts per class are the shares times the window size, rounded by largest remainder so that they add up.
     */
    public StreamWindow classMix(Map<Integer, Double> shares) {
        List<Integer> classes = new ArrayList<>(shares.keySet());
        double[] s = new double[classes.size()];
        for (int k = 0; k < s.length; k++) {
            s[k] = shares.get(classes.get(k));
        }
        int[] counts = apportion(windowSize, s);
        int[] source = new int[windowSize];
        int at = 0;
        for (int k = 0; k < counts.length; k++) {
            for (int i = 0; i < counts[k]; i++) {
                source[at++] = before.nextOfClass(classes.get(k));
            }
        }
        return assemble(source, new boolean[windowSize], 0);
    }

    private StreamWindow assemble(int[] source, boolean[] shifted, int shiftedRows) {
        int n = source.length;
        int[] order = rng.permutation(n);
        float[][] rows = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int j = order[i];
            EmbeddingPool pool = shifted[j] ? after : before;
            rows[i] = pool.row(source[j]);
            labels[i] = pool.label(source[j]);
        }
        return new StreamWindow(rows, labels, shiftedRows);
    }

    /** Share of new rows in window k (0-based) after the switch of a linear mix over g windows: min(1, (k+1)/g). */
    public static double gradualShare(int k, int g) {
        if (k < 0 || g < 1) {
            throw new IllegalArgumentException("need k >= 0 and g >= 1, got " + k + ", " + g);
        }
        return Math.min(1.0, (k + 1.0) / g);
    }

    /** Rows from the new distribution in window k after the switch of a linear mix over g windows. */
    public static int gradualShiftedRows(int k, int g, int windowSize) {
        return (int) Math.round(gradualShare(k, g) * windowSize);
    }

    /**
     * Class shares that put {@code share} of the rows on the classes {@code onto} (equally) and the rest equally on
     * the other classes of {@code classes}.
     */
    public static Map<Integer, Double> concentratedMix(Collection<Integer> classes, Collection<Integer> onto, double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("the share on the chosen classes must be in (0, 1], got " + share);
        }
        if (onto.isEmpty() || !classes.containsAll(onto)) {
            throw new IllegalArgumentException("the classes to concentrate on, " + onto + ", must be among the stream's "
                    + classes);
        }
        int others = classes.size() - onto.size();
        if (others == 0 && share < 1) {
            throw new IllegalArgumentException("every class is chosen, so the share on them is 1, not " + share);
        }
        Map<Integer, Double> m = new TreeMap<>();
        for (int c : classes) {
            m.put(c, onto.contains(c) ? share / onto.size() : (1 - share) / others);
        }
        return m;
    }

    /** Non-negative integers summing to n, proportional to shares (largest remainder). */
    static int[] apportion(int n, double[] shares) {
        double total = 0;
        for (double s : shares) {
            if (!(s >= 0 && Double.isFinite(s))) {
                throw new IllegalArgumentException("class shares must be finite and >= 0, got " + s);
            }
            total += s;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("the class shares add up to 0");
        }
        int[] counts = new int[shares.length];
        double[] rest = new double[shares.length];
        int given = 0;
        for (int k = 0; k < shares.length; k++) {
            double exact = n * shares[k] / total;
            counts[k] = (int) Math.floor(exact);
            rest[k] = exact - counts[k];
            given += counts[k];
        }
        while (given < n) {
            int best = 0;
            for (int k = 1; k < shares.length; k++) {
                if (rest[k] > rest[best]) {
                    best = k;
                }
            }
            counts[best]++;
            rest[best] = -1;
            given++;
        }
        return counts;
    }
}
