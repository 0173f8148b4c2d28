package io.embedstream.model.metrics.kernel;

/** In-place k-th smallest selection (Hoare partition, median-of-three pivot); expected O(n). */
final class Quickselect {
    private Quickselect() {}

    /** The k-th smallest value (0-based) of {@code a}; reorders {@code a}. */
    static float select(float[] a, int k) {
        if (k < 0 || k >= a.length) {
            throw new IllegalArgumentException("k=" + k + " outside [0, " + a.length + ")");
        }
        int lo = 0;
        int hi = a.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            // median of three as pivot guards against sorted input
            if (a[mid] < a[lo]) swap(a, mid, lo);
            if (a[hi] < a[lo]) swap(a, hi, lo);
            if (a[hi] < a[mid]) swap(a, hi, mid);
            float pivot = a[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) {
                    swap(a, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private static void swap(float[] a, int i, int j) {
        float t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
