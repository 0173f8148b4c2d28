package io.embedstream.model.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** Computes {@link NormMetrics}; needs at least one row. */
final class NormAnalyzer {
    private NormAnalyzer() {}

    static NormMetrics analyze(FiniteRows rows, List<String> notes) {
        double[] norms = rows.norms;
        int n = rows.n;
        double[] overall = meanStd(norms);
        Map<Integer, NormMetrics.ClassNorms> perClass = new HashMap<>();
        if (rows.labels != null) {
            Map<Integer, double[]> acc = new HashMap<>(); // label -> {count, sum}
            for (int i = 0; i < n; i++) {
                double[] a = acc.computeIfAbsent(rows.labels[i], k -> new double[2]);
                a[0]++;
                a[1] += norms[i];
            }
            Map<Integer, Double> ss = new HashMap<>();
            for (int i = 0; i < n; i++) {
                double[] a = acc.get(rows.labels[i]);
                double dev = norms[i] - a[1] / a[0];
                ss.merge(rows.labels[i], dev * dev, Double::sum);
            }
            for (Map.Entry<Integer, double[]> e : acc.entrySet()) {
                double count = e.getValue()[0];
                perClass.put(e.getKey(), new NormMetrics.ClassNorms((int) count, e.getValue()[1] / count,
                        Math.sqrt(ss.get(e.getKey()) / count)));
            }
        }
        OptionalDouble spearman = OptionalDouble.empty();
        if (rows.qualities != null) {
            double[] q = new double[n];
            for (int i = 0; i < n; i++) {
                q[i] = rows.qualities[i];
            }
            spearman = Spearman.correlation(norms, q);
            if (spearman.isEmpty()) {
                notes.add("norms: norm/quality Spearman correlation unavailable: needs >= 2 samples and "
                        + "non-constant norms and qualities");
            }
        }
        return new NormMetrics(overall[0], overall[1], perClass, spearman);
    }

    private static double[] meanStd(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        double mean = sum / v.length;
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return new double[] {mean, Math.sqrt(ss / v.length)};
    }
}
