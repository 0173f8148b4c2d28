package io.embedstream.model.eval;

import java.util.Locale;

/**
 * Mean and spread of one figure over repeated runs (seeds): the sample standard deviation (n - 1 in the
 * denominator; 0 for a single run) and the range.
 */
public record Spread(int n, double mean, double std, double min, double max) {

    public static Spread of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a spread needs at least one value");
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("spread of a non-finite value " + v);
            }
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double mean = sum / values.length;
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double std = values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0;
        return new Spread(values.length, mean, std, min, max);
    }

    /** {@code mean ± std} with the given number of decimals, e.g. {@code 0.981 ± 0.004}. */
    public String format(int decimals) {
        String f = "%." + decimals + "f";
        return String.format(Locale.ROOT, f + " ± " + f, mean, std);
    }
}
