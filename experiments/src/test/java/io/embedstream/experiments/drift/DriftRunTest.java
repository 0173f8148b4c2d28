package io.embedstream.experiments.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.metrics.drift.ClassAwareDriftConfig;
import io.embedstream.model.metrics.drift.ClassAwareDriftMonitor;
import io.embedstream.model.metrics.drift.DriftKind;
import io.embedstream.model.metrics.drift.ErtMmdConfig;
import io.embedstream.model.metrics.drift.ReferenceSample;
import io.embedstream.model.random.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The run on class-clustered Gaussian embeddings (no model): the scenarios share the stationary part, an abrupt
 * mean shift of one unit on every axis is flagged as DATA_DRIFT at once, a gradual one later, and a new class mix
 * raises LABEL_SHIFT but not DATA_DRIFT.
 */
class DriftRunTest {
    private static final int D = 8;
    private static final int CLASSES = 4;

    /** n rows, label i % 4, N(3 e_label + shift, I). */
    private static EmbeddingPool clustered(Rng rng, int n, float shift, long seed) {
        float[][] rows = new float[n][D];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % CLASSES;
            for (int j = 0; j < D; j++) {
                rows[i][j] = (float) rng.nextGaussian() + shift;
            }
            rows[i][labels[i]] += 3;
        }
        return new EmbeddingPool(rows, labels, seed);
    }

    @Test
    void scenariosShareTheStationaryPartAndAreToldApart() {
        Rng rng = new Rng(5);
        EmbeddingPool referencePool = clustered(rng, 1024, 0, 1);
        float[][] refRows = new float[1024][];
        int[] refLabels = new int[1024];
        for (int i = 0; i < 1024; i++) {
            refRows[i] = referencePool.row(i);
            refLabels[i] = referencePool.label(i);
        }
        ClassAwareDriftMonitor monitor = calibrated(refRows, refLabels);
        EmbeddingPool before = clustered(rng, 2000, 0, 2);
        EmbeddingPool after = clustered(rng, 2000, 1f, 3);
        DriftRun.Plan plan = new DriftRun.Plan(12, 8, 4, List.of(0), 0.7,
                List.of(DriftScenario.ABRUPT, DriftScenario.GRADUAL, DriftScenario.LABEL_SHIFT));
        List<String> lines = new ArrayList<>();
        List<DriftScenarioResult> results = DriftRun.run(monitor, before, after, 256, plan, 11, lines::add);

        assertEquals(3, results.size());
        for (DriftScenarioResult r : results) {
            assertEquals(12, r.switchWindow());
            assertEquals(12, r.stationary().size());
            assertEquals(8, r.after().size());
            for (int k = 0; k < 8; k++) {
                assertEquals(12 + k, r.after().get(k).window());
                assertEquals(k, r.after().get(k).afterSwitch());
            }
            assertEquals(0, r.falseAlarms(DriftKind.DATA_DRIFT), "no covariate alarm before the switch: " + lines);
        }
        DriftScenarioResult abrupt = results.get(0);
        assertEquals(OptionalInt.of(0), abrupt.delay(DriftKind.DATA_DRIFT), "a one-sigma shift on every axis: " + lines);
        assertEquals(1.0, abrupt.after().get(0).shiftedShare(), 1e-12);

        DriftScenarioResult gradual = results.get(1);
        assertTrue(gradual.delay(DriftKind.DATA_DRIFT).isPresent(), "the gradual switch is detected: " + lines);
        assertTrue(gradual.delay(DriftKind.DATA_DRIFT).getAsInt() >= abrupt.delay(DriftKind.DATA_DRIFT).getAsInt());
        assertEquals(0.25, gradual.after().get(0).shiftedShare(), 1e-12);
        assertEquals(1.0, gradual.after().get(3).shiftedShare(), 1e-12);

        DriftScenarioResult labels = results.get(2);
        assertEquals(8, labels.flaggedAfter(DriftKind.LABEL_SHIFT), "70% on class 0 in every window: " + lines);
        assertEquals(OptionalInt.of(0), labels.delay(DriftKind.LABEL_SHIFT));
        assertEquals(0, labels.flaggedAfter(DriftKind.DATA_DRIFT), "class-stratified: the mix alone is no DATA_DRIFT");
        assertFalse(labels.after().get(0).driftingClasses().iterator().hasNext());
        assertTrue(labels.after().get(0).labelTotalVariation() > 0.4);

        // The stream forks at the switch: run alone, on a monitor calibrated alike, the label shift sees the same
        // windows as after the abrupt and gradual scenarios had run from the same switch.
        List<DriftScenarioResult> alone = DriftRun.run(calibrated(refRows, refLabels), before, after, 256,
                new DriftRun.Plan(12, 8, 4, List.of(0), 0.7, List.of(DriftScenario.LABEL_SHIFT)), 11, line -> { });
        assertEquals(abrupt.stationary(), alone.get(0).stationary());
        assertEquals(labels.after(), alone.get(0).after());
    }

    private static ClassAwareDriftMonitor calibrated(float[][] refRows, int[] refLabels) {
        return ClassAwareDriftMonitor.calibrate(ClassAwareDriftConfig.of(
                ErtMmdConfig.builder(ReferenceSample.of(refRows, refLabels)).expectedRunTime(100).seed(3).build())
                .withoutClassDrift());
    }
}
