package io.embedstream.model.metrics.drift;

import java.util.Arrays;

/**
 * Per-class quotas of a stratified step sample: each step draws {@code quota[c]} rows of class
 * {@code classes[c]}, the quotas being the reference's class proportions times the step size, rounded by
 * largest remainder so that they add up to the step size exactly. Ties go to the smaller label.
 */
final class Strata {
    final int[] classes;   // ascending labels present in the reference
    final int[] counts;    // reference rows per class
    final int[] quotas;    // rows per step per class; sum = rowsPerStep

    private Strata(int[] classes, int[] counts, int[] quotas) {
        this.classes = classes;
        this.counts = counts;
        this.quotas = quotas;
    }

    static Strata of(int[] labels, int rowsPerStep) {
        int[] sorted = labels.clone();
        Arrays.sort(sorted);
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                distinct++;
            }
        }
        int[] classes = new int[distinct];
        int[] counts = new int[distinct];
        int c = -1;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                classes[++c] = sorted[i];
            }
            counts[c]++;
        }
        int n = labels.length;
        int[] quotas = new int[distinct];
        double[] remainders = new double[distinct];
        int assigned = 0;
        for (int k = 0; k < distinct; k++) {
            double exact = (double) rowsPerStep * counts[k] / n;
            quotas[k] = (int) Math.floor(exact);
            remainders[k] = exact - quotas[k];
            assigned += quotas[k];
        }
        for (int left = rowsPerStep - assigned; left > 0; left--) {
            int best = -1;
            for (int k = 0; k < distinct; k++) {
                if (best < 0 || remainders[k] > remainders[best]) {
                    best = k;
                }
            }
            quotas[best]++;
            remainders[best] = -1;
        }
        return new Strata(classes, counts, quotas);
    }

    /** Index of {@code label} in {@link #classes}, or -1. */
    int indexOf(int label) {
        int k = Arrays.binarySearch(classes, label);
        return k >= 0 ? k : -1;
    }
}
