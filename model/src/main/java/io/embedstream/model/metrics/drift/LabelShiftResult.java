package io.embedstream.model.metrics.drift;

import java.util.List;
import java.util.Objects;

/**
 * Outcome of a {@link LabelShiftTest} on one window.
 *
 * @param statistic         Pearson's chi-square statistic of the 2 x K table (reference counts, window counts)
 * @param degreesOfFreedom  K' - 1 for the K' columns left after pooling sparse classes; 0 when fewer than two
 *                          columns were left, and then the window was not tested (pValue 1)
 * @param pValue            P(chi^2(df) &gt;= statistic) under "same class proportions"
 * @param totalVariation    half the L1 distance between the window's and the reference's class proportions
 *                          (effect size, in [0, 1])
 * @param shifted           pValue &lt;= alpha and totalVariation &gt;= minTotalVariation
 * @param classes           per class: counts, shares and the adjusted residual of the window's count (about
 *                          N(0, 1) without shift; |z| &gt; 3 marks a class that moved)
 * @param newClasses        labels in the window that the reference never saw
 * @param pooledClasses     labels pooled into one column for being sparse
 * @param windowSize        labelled rows in the window
 * @param note              empty, or why the window was not tested
 */
public record LabelShiftResult(double statistic, int degreesOfFreedom, double pValue, double totalVariation,
                               boolean shifted, List<ClassShare> classes, List<Integer> newClasses,
                               List<Integer> pooledClasses, long windowSize, String note) {

    public LabelShiftResult {
        classes = List.copyOf(classes);
        newClasses = List.copyOf(newClasses);
        pooledClasses = List.copyOf(pooledClasses);
        Objects.requireNonNull(note, "note");
    }

    /** Whether the window was tested (at least two columns after pooling). */
    public boolean tested() {
        return degreesOfFreedom > 0;
    }

    /** Classes whose adjusted residual exceeds {@code z} in absolute value, largest first. */
    public List<ClassShare> movedClasses(double z) {
        return classes.stream().filter(c -> Math.abs(c.adjustedResidual()) > z)
                .sorted((a, b) -> Double.compare(Math.abs(b.adjustedResidual()), Math.abs(a.adjustedResidual())))
                .toList();
    }

    /**
     * One class in the comparison.
     *
     * @param label             the class
     * @param referenceCount    rows of the class in the reference
     * @param windowCount       rows of the class in the window
     * @param referenceShare    referenceCount / reference total
     * @param windowShare       windowCount / window total
     * @param adjustedResidual  (observed - expected) / its standard error, for the window's count
     */
    public record ClassShare(int label, long referenceCount, long windowCount, double referenceShare,
                             double windowShare, double adjustedResidual) {}
}
