package io.embedstream.model.metrics;

import java.util.SplittableRandom;

/**
 * Chooses index pairs for pair-based metrics: all pairs when they number at most {@code maxPairs},
 * otherwise {@code maxPairs} pairs drawn uniformly (with replacement) from a generator with a fixed seed,
 * so the same window always gives the same figures and the cost is O(maxPairs * d) whatever n is.
 */
final class PairSampler {
    private PairSampler() {}

    /** Visits one pair (i, j), i != j. */
    interface PairVisitor {
        void visit(int i, int j);
    }

    /** Pairs of distinct indices in [0, n). Returns true when sampled. */
    static boolean anyPairs(int n, int maxPairs, long seed, PairVisitor visitor) {
        long total = (long) n * (n - 1) / 2;
        if (total <= maxPairs) {
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    visitor.visit(i, j);
                }
            }
            return false;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int p = 0; p < maxPairs; p++) {
            int i = rng.nextInt(n);
            int j = rng.nextInt(n - 1);
            if (j >= i) {
                j++;
            }
            visitor.visit(i, j);
        }
        return true;
    }

    /**
     * Pairs within the same group. {@code members[g]} lists the indices of group g. Sampled pairs pick a
     * group with probability proportional to its number of pairs, so the sample is uniform over all
     * same-group pairs. Returns true when sampled.
     */
    static boolean sameGroupPairs(int[][] members, int maxPairs, long seed, PairVisitor visitor) {
        long[] cumulative = new long[members.length];
        long total = 0;
        for (int g = 0; g < members.length; g++) {
            long m = members[g].length;
            total += m * (m - 1) / 2;
            cumulative[g] = total;
        }
        if (total == 0) {
            return false;
        }
        if (total <= maxPairs) {
            for (int[] group : members) {
                for (int a = 0; a < group.length; a++) {
                    for (int b = a + 1; b < group.length; b++) {
                        visitor.visit(group[a], group[b]);
                    }
                }
            }
            return false;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int p = 0; p < maxPairs; p++) {
            long r = rng.nextLong(total);
            int lo = 0;
            int hi = members.length - 1;
            while (lo < hi) { // first group whose cumulative count exceeds r
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] > r) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            int[] group = members[lo];
            int a = rng.nextInt(group.length);
            int b = rng.nextInt(group.length - 1);
            if (b >= a) {
                b++;
            }
            visitor.visit(group[a], group[b]);
        }
        return true;
    }

    /**
     * Pairs whose labels differ. Sampled pairs are drawn uniformly from all pairs and rejected when the
     * labels agree; attempts are capped (50 per wanted pair) so a window dominated by one class cannot
     * loop for long. Returns the number of pairs visited when sampled, or -1 when all pairs were visited.
     */
    static long differentLabelPairs(int[] labels, int n, long crossPairTotal, int maxPairs, long seed, PairVisitor visitor) {
        if (crossPairTotal <= maxPairs) {
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (labels[i] != labels[j]) {
                        visitor.visit(i, j);
                    }
                }
            }
            return -1;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        long visited = 0;
        long attempts = 50L * maxPairs;
        for (long t = 0; t < attempts && visited < maxPairs; t++) {
            int i = rng.nextInt(n);
            int j = rng.nextInt(n - 1);
            if (j >= i) {
                j++;
            }
            if (labels[i] != labels[j]) {
                visitor.visit(i, j);
                visited++;
            }
        }
        return visited;
    }
}
