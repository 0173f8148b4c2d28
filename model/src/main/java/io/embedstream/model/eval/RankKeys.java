package io.embedstream.model.eval;

/**
 * Ranking of references by score without boxing: each reference becomes one {@code long} whose high half is its
 * score mapped to an int that sorts in descending score order and whose low half is its index, so that an
 * ascending sort of the keys is the ranking, ties broken by the lower index (deterministic). A quickselect then
 * a sort of only the first R keys gives the top R in O(n + R log R).
 */
final class RankKeys {
    private RankKeys() {}

    static long key(float score, int index) {
        int bits = Float.floatToIntBits(score);
        int ascending = bits ^ ((bits >> 31) & 0x7fffffff); // signed order of ints == numeric order of floats
        return ((long) ~ascending << 32) | (index & 0xffffffffL);
    }

    static int index(long key) {
        return (int) key;
    }

    /** Reorders {@code a[0, length)} so that its {@code k + 1} smallest keys are in {@code a[0, k]}, in any order. */
    static void selectSmallest(long[] a, int length, int k) {
        if (k < 0 || k >= length) {
            throw new IllegalArgumentException("k=" + k + " outside [0, " + length + ")");
        }
        int lo = 0;
        int hi = length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < a[lo]) swap(a, mid, lo);
            if (a[hi] < a[lo]) swap(a, hi, lo);
            if (a[hi] < a[mid]) swap(a, hi, mid);
            long pivot = a[mid];
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
                return;
            }
        }
    }

    private static void swap(long[] a, int i, int j) {
        long t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
