package io.embedstream.model.metrics.drift;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Label shift: do a window's class proportions differ from the reference's? Pearson's chi-square test of
 * homogeneity on the 2 x K table of class counts (reference, window), with classes whose expected count
 * is below {@link LabelShiftConfig#minExpectedCount()} pooled into one column.
 *
 * <p>Why this test: the counts are all a window has to say about its class mix, and the chi-square
 * test turns them into a p-value in O(K) with no simulation and no state, so every window can be tested
 * and the per-window false-alarm rate is the chosen alpha. A homogeneity test, rather than goodness of fit
 * against the reference's proportions taken as exact, also accounts for the reference's own sampling noise.
 * The alternative, a total-variation distance with a bootstrap threshold, would need a simulation per
 * window size; total variation is reported instead as the effect size, and can gate the alarm. Classes the
 * reference never saw count as a shift (their column still enters the table) and are listed. The adjusted
 * residuals say which classes moved, and in which direction.
 *
 * <p>This is apart from covariate drift: a new class mix changes the marginal distribution of the
 * embeddings, which an unstratified MMD detector would report as DATA_DRIFT; {@link ErtMmdDetector} with
 * class stratification does not, and this test reports LABEL_SHIFT instead.
 *
 * <p>Thread-safe: holds only immutable reference counts and configuration.
 */
public final class LabelShiftTest {
    private final TreeMap<Integer, Long> referenceCounts;
    private final long referenceTotal;
    private final LabelShiftConfig config;

    /**
     * @param referenceCounts rows per class in the reference period; counts must be >= 0 and add up to > 0.
     *                        They may come from many more windows than the embedding reference holds, since
     *                        counts are cheap, and more reference counts make the test sharper.
     */
    public LabelShiftTest(Map<Integer, Long> referenceCounts, LabelShiftConfig config) {
        Objects.requireNonNull(referenceCounts, "referenceCounts");
        this.config = Objects.requireNonNull(config, "config");
        this.referenceCounts = new TreeMap<>();
        long total = 0;
        for (Map.Entry<Integer, Long> e : referenceCounts.entrySet()) {
            int label = Objects.requireNonNull(e.getKey(), "label");
            long count = Objects.requireNonNull(e.getValue(), "count");
            if (label < 0) {
                throw new IllegalArgumentException("reference label is negative: " + label);
            }
            if (count < 0) {
                throw new IllegalArgumentException("reference count of class " + label + " is negative: " + count);
            }
            if (count > 0) {
                this.referenceCounts.put(label, count);
                total += count;
            }
        }
        if (total == 0) {
            throw new IllegalArgumentException("the reference counts add up to 0; label shift needs a reference class mix");
        }
        this.referenceTotal = total;
    }

    /** Reference counts taken from a labelled reference sample. */
    public static LabelShiftTest of(ReferenceSample reference, LabelShiftConfig config) {
        Objects.requireNonNull(reference, "reference");
        if (!reference.hasLabels()) {
            throw new IllegalArgumentException("the reference sample has no labels; label shift needs them");
        }
        return new LabelShiftTest(counts(reference.rawLabels()), config);
    }

    public LabelShiftConfig config() {
        return config;
    }

    /** The same reference counts with another configuration. */
    public LabelShiftTest withConfig(LabelShiftConfig other) {
        return new LabelShiftTest(referenceCounts, other);
    }

    static Map<Integer, Long> counts(int[] labels) {
        TreeMap<Integer, Long> counts = new TreeMap<>();
        for (int y : labels) {
            if (y < 0) {
                throw new IllegalArgumentException("label is negative: " + y);
            }
            counts.merge(y, 1L, Long::sum);
        }
        return counts;
    }

    /** Tests the class mix of a window given its labels (one per row). */
    public LabelShiftResult test(int[] windowLabels) {
        Objects.requireNonNull(windowLabels, "windowLabels");
        return test(counts(windowLabels));
    }

    /** Tests a window given its class counts. */
    public LabelShiftResult test(Map<Integer, Long> windowCounts) {
        Objects.requireNonNull(windowCounts, "windowCounts");
        TreeMap<Integer, long[]> table = new TreeMap<>(); // label -> {reference, window}
        referenceCounts.forEach((label, count) -> table.put(label, new long[] {count, 0}));
        long windowTotal = 0;
        List<Integer> newClasses = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : windowCounts.entrySet()) {
            long count = e.getValue();
            if (count < 0) {
                throw new IllegalArgumentException("window count of class " + e.getKey() + " is negative: " + count);
            }
            if (count == 0) {
                continue;
            }
            long[] row = table.computeIfAbsent(e.getKey(), k -> new long[2]);
            if (row[0] == 0) {
                newClasses.add(e.getKey());
            }
            row[1] += count;
            windowTotal += count;
        }
        double nRef = referenceTotal;
        double nWin = windowTotal;
        double n = nRef + nWin;
        List<LabelShiftResult.ClassShare> shares = new ArrayList<>();
        double tv = 0;
        for (Map.Entry<Integer, long[]> e : table.entrySet()) {
            long r = e.getValue()[0];
            long x = e.getValue()[1];
            double refShare = r / nRef;
            double winShare = windowTotal == 0 ? 0 : x / nWin;
            tv += Math.abs(winShare - refShare);
            double residual = 0;
            if (windowTotal > 0) {
                double colTotal = r + x;
                double expected = nWin * colTotal / n;
                double var = expected * (1 - nWin / n) * (1 - colTotal / n);
                residual = var > 0 ? (x - expected) / Math.sqrt(var) : 0;
            }
            shares.add(new LabelShiftResult.ClassShare(e.getKey(), r, x, refShare, winShare, residual));
        }
        tv /= 2;
        if (windowTotal == 0) {
            return new LabelShiftResult(0, 0, 1.0, 0, false, shares, newClasses, List.of(), 0,
                    "not tested: the window has no labelled rows");
        }
        // Pool the sparsest columns until every column's smaller expected count reaches the minimum.
        List<long[]> columns = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        table.forEach((label, row) -> {
            columns.add(row);
            labels.add(label);
        });
        Integer[] order = new Integer[columns.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingLong((Integer i) -> columns.get(i)[0] + columns.get(i)[1])
                .thenComparing(i -> labels.get(i)));
        double minShare = Math.min(nRef, nWin) / n;
        boolean[] pooled = new boolean[columns.size()];
        long poolRef = 0;
        long poolWin = 0;
        List<Integer> pooledClasses = new ArrayList<>();
        int kept = columns.size();
        for (Integer i : order) {
            long[] col = columns.get(i);
            boolean sparse = (col[0] + col[1]) * minShare < config.minExpectedCount();
            boolean poolTooSmall = !pooledClasses.isEmpty() && (poolRef + poolWin) * minShare < config.minExpectedCount();
            if (!sparse && !poolTooSmall) {
                break;
            }
            pooled[i] = true;
            poolRef += col[0];
            poolWin += col[1];
            pooledClasses.add(labels.get(i));
            kept--;
        }
        int columnsLeft = kept + (pooledClasses.isEmpty() ? 0 : 1);
        boolean poolUsable = !pooledClasses.isEmpty() && (poolRef + poolWin) * minShare >= config.minExpectedCount();
        if (!pooledClasses.isEmpty() && !poolUsable) {
            columnsLeft--; // every column ended up in a pool that is still too sparse
        }
        pooledClasses.sort(null);
        if (columnsLeft < 2) {
            return new LabelShiftResult(0, 0, 1.0, tv, false, shares, newClasses, pooledClasses, windowTotal,
                    "not tested: fewer than two classes have an expected count of " + config.minExpectedCount()
                            + " in both the reference and the window");
        }
        double chi2 = 0;
        for (int i = 0; i < columns.size(); i++) {
            if (!pooled[i]) {
                chi2 += cell(columns.get(i)[0], columns.get(i)[1], nRef, nWin, n);
            }
        }
        if (poolUsable) {
            chi2 += cell(poolRef, poolWin, nRef, nWin, n);
        }
        int df = columnsLeft - 1;
        double p = ChiSquare.survival(chi2, df);
        boolean shifted = p <= config.alpha() && tv >= config.minTotalVariation();
        return new LabelShiftResult(chi2, df, p, tv, shifted, shares, newClasses, pooledClasses, windowTotal, "");
    }

    private static double cell(long r, long x, double nRef, double nWin, double n) {
        double col = r + x;
        double er = nRef * col / n;
        double ex = nWin * col / n;
        return (r - er) * (r - er) / er + (x - ex) * (x - ex) / ex;
    }
}
