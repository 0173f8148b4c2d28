package io.embedstream.model.quality;

import java.util.Arrays;

/** Spearman rank correlation with average ranks for ties (test helper). */
final class SpearmanCorrelation {
    private SpearmanCorrelation() {}

    static double of(double[] a, double[] b) {
        if (a.length != b.length || a.length < 2) {
            throw new IllegalArgumentException("need two samples of equal length >= 2, got " + a.length + " and "
                    + b.length);
        }
        return pearson(ranks(a), ranks(b));
    }

    static double[] ranks(double[] x) {
        int n = x.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Double.compare(x[p], x[q]));
        double[] r = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && x[order[j + 1]] == x[order[i]]) {
                j++;
            }
            double average = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = average;
            }
            i = j + 1;
        }
        return r;
    }

    private static double pearson(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElseThrow();
        double mb = Arrays.stream(b).average().orElseThrow();
        double c = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < a.length; i++) {
            c += (a[i] - ma) * (b[i] - mb);
            va += (a[i] - ma) * (a[i] - ma);
            vb += (b[i] - mb) * (b[i] - mb);
        }
        if (va == 0 || vb == 0) {
            throw new IllegalArgumentException("a sample is constant; rank correlation is undefined");
        }
        return c / Math.sqrt(va * vb);
    }
}
