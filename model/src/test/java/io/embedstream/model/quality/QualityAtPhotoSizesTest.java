package io.embedstream.model.quality;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.data.Degradation;
import io.embedstream.model.data.photo.PhotoObjects;
import io.embedstream.model.metrics.Spearman;
import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Does q track each degradation on the photo-like RGB set at the network input sizes 64, 128 and 224? For each
 * size and degradation, {@value #LEVELS} severity levels 0, 0.1 .. 1 over {@value #IMAGES_PER_LEVEL} distinct
 * photos each (image i at level i mod 11, so every level holds every kind of scene), and the rank correlation of
 * q with the severity over all of them. Prints the 3 x 5 table for the record (docs/results.md).
 *
 * <p>Every cell must reach the issue's goal {@link #ISSUE_BOUND}. Pooled over scenes, a cell's figure is capped by
 * how much the clean photos themselves vary in the measure (the set's textured backgrounds, lighting and object
 * scales were made to vary), so the estimator's sub-scores are built to sit at 1 on clean photos; seed 7 is the
 * set the reference points were chosen on, seed 11 ({@code qFallsWithSeverityOnASecondSeed}) checks they were
 * not fitted to it.
 */
class QualityAtPhotoSizesTest {
    static final int LEVELS = 11;
    static final int IMAGES_PER_LEVEL = 16;
    static final int[] SIDES = {64, 128, 224};
    static final double ISSUE_BOUND = -0.85;

    private final QualityEstimator estimator = QualityEstimator.defaults();

    @Test
    void qFallsWithSeverityAtEachPhotoSize() {
        assertEachCellReachesTheGoal(7);
    }

    @Test
    void qFallsWithSeverityOnASecondSeed() {
        assertEachCellReachesTheGoal(11);
    }

    private void assertEachCellReachesTheGoal(long seed) {
        List<String> failures = new ArrayList<>();
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-8s", "size"));
        for (Degradation d : Degradation.values()) {
            table.append(String.format(Locale.ROOT, " %13s", d));
        }
        table.append('\n');
        for (int side : SIDES) {
            List<LabeledImage> photos = PhotoObjects.builder().size(side, side).seed(seed).build()
                    .images(0, LEVELS * IMAGES_PER_LEVEL);
            table.append(String.format(Locale.ROOT, "%-8s", side + "x" + side));
            for (Degradation d : Degradation.values()) {
                double rho = spearman(photos, d);
                table.append(String.format(Locale.ROOT, " %13.3f", rho));
                if (!(rho <= ISSUE_BOUND)) {
                    failures.add(d + " at " + side + "x" + side + ": " + rho + " is not <= " + ISSUE_BOUND);
                }
            }
            table.append('\n');
        }
        System.out.print("Spearman(q, severity) on the photo-like set (seed " + seed + "), " + LEVELS + " levels x "
                + IMAGES_PER_LEVEL + " photos:\n" + table);
        assertTrue(failures.isEmpty(), String.join("; ", failures));
    }

    private double spearman(List<LabeledImage> photos, Degradation degradation) {
        double[] severity = new double[photos.size()];
        double[] q = new double[photos.size()];
        Random rng = new Random(1);
        for (int i = 0; i < photos.size(); i++) {
            severity[i] = (i % LEVELS) / (double) (LEVELS - 1);
            q[i] = estimator.estimate(degradation.apply(photos.get(i), severity[i], rng)).q();
        }
        return Spearman.correlation(q, severity).orElseThrow(() -> new AssertionError(degradation
                + ": q is constant over the severities"));
    }
}
