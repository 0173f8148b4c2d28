package io.embedstream.model.metrics;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * Spearman rank correlation: the Pearson correlation of the two samples' ranks. Tied values get the average of the
 * ranks they span (values 5, 1, 5, 3 get ranks 3.5, 1, 3.5, 2), so ties need no correction formula.
 */
public final class Spearman {
    private Spearman() {}

    /**
     * The rank correlation of {@code a} and {@code b}, in [-1, 1]; tied values get average ranks.
     *
     * @return empty when there are fewer than two samples or either sample is constant (the correlation is
     *         undefined)
     * @throws IllegalArgumentException when the samples differ in length
     */
    public static OptionalDouble correlation(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        if (a.length < 2) {
            return OptionalDouble.empty();
        }
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double mean = (a.length + 1) / 2.0; // mean rank is the same for both, ties included
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = ra[i] - mean;
            double y = rb[i] - mean;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        if (saa == 0 || sbb == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.max(-1.0, Math.min(1.0, sab / Math.sqrt(saa * sbb))));
    }

    /** 1-based ranks; tied values share the mean of the ranks they span. */
    static double[] ranks(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(v[x], v[y]));
        double[] r = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1.0;
            for (int k = i; k <= j; k++) {
                r[order[k]] = avg;
            }
            i = j + 1;
        }
        return r;
    }
}
