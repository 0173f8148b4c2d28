package io.embedstream.model.eval;

import java.util.HashMap;
import java.util.Map;

/**
 * Normalised mutual information between two labelings of the same items, with the arithmetic-mean normalisation
 * (scikit-learn's default): NMI = I(U; V) / ((H(U) + H(V)) / 2), in [0, 1]; 1 when the labelings agree up to a
 * renaming of the labels, about 0 for independent ones. When both labelings are a single group the two agree
 * perfectly and NMI is 1; when only one of them is, I = 0 and so is NMI.
 */
public final class NormalizedMutualInformation {
    private NormalizedMutualInformation() {}

    public static double of(int[] u, int[] v) {
        if (u.length != v.length) {
            throw new IllegalArgumentException("labelings have " + u.length + " and " + v.length + " items");
        }
        if (u.length == 0) {
            throw new IllegalArgumentException("NMI of an empty labeling is undefined");
        }
        int n = u.length;
        Map<Integer, Integer> cu = new HashMap<>();
        Map<Integer, Integer> cv = new HashMap<>();
        Map<Long, Integer> joint = new HashMap<>();
        for (int i = 0; i < n; i++) {
            cu.merge(u[i], 1, Integer::sum);
            cv.merge(v[i], 1, Integer::sum);
            joint.merge(((long) u[i] << 32) | (v[i] & 0xffffffffL), 1, Integer::sum);
        }
        double hu = entropy(cu, n);
        double hv = entropy(cv, n);
        if (hu == 0 && hv == 0) {
            return 1.0;
        }
        double mi = 0;
        for (Map.Entry<Long, Integer> e : joint.entrySet()) {
            int a = (int) (e.getKey() >> 32);
            int b = (int) (long) e.getKey();
            double pij = e.getValue() / (double) n;
            mi += pij * Math.log(pij * n * n / ((double) cu.get(a) * cv.get(b)));
        }
        double nmi = mi / ((hu + hv) / 2);
        return Math.max(0.0, Math.min(1.0, nmi));
    }

    private static double entropy(Map<Integer, Integer> counts, int n) {
        double h = 0;
        for (int c : counts.values()) {
            double p = c / (double) n;
            h -= p * Math.log(p);
        }
        return h;
    }
}
