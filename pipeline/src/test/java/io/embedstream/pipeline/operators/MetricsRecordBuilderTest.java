package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.connectors.wire.GoldenRecords;
import io.embedstream.connectors.wire.JsonSchemaCheck;
import io.embedstream.connectors.wire.metrics.AlarmChange;
import io.embedstream.connectors.wire.metrics.MetricsRecord;
import io.embedstream.connectors.wire.metrics.VersionDriftFigures;
import io.embedstream.model.metrics.AlarmEvent;
import io.embedstream.model.metrics.AlarmKind;
import io.embedstream.model.metrics.AlarmState;
import io.embedstream.model.metrics.DataDriftResult;
import io.embedstream.model.metrics.DataDriftTest;
import io.embedstream.model.metrics.DriftConfig;
import io.embedstream.model.metrics.EmbeddingWindow;
import io.embedstream.model.metrics.VersionDrift;
import io.embedstream.model.metrics.WindowMetrics;
import io.embedstream.model.metrics.WindowReport;
import io.embedstream.pipeline.types.StepRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Records built from the model's real window and version-drift reports: they conform to the metrics topic's schema
 * (whose metric names follow the model's reports), carry the window's figures, and use the metric names that
 * {@code watch} and the demo look up.
 */
class MetricsRecordBuilderTest {
    private static final int DIMENSION = 16;
    private static final int CLASSES = 4;
    private static final int STEP_ROWS = 32;
    private static final JsonSchemaCheck SCHEMA = JsonSchemaCheck.load(GoldenRecords.METRICS_SCHEMA);

    @Test
    void aRecordOfRealReportsConformsToTheSchemaAndCarriesTheWindowsFigures() {
        Random random = new Random(7);
        WindowAccumulator window = new WindowAccumulator(DIMENSION, 8, 1);
        List<StepRecord> steps = List.of(step(random, 11, true, 1_000), step(random, 12, false, 2_000),
                step(random, 13, true, 3_000));
        steps.forEach(s -> window.add(s, 0));
        WindowReport report = withDataDrift(WindowMetrics.withDefaults().compute(new EmbeddingWindow(
                window.embeddings(), window.rows(), DIMENSION, window.labels(), window.qualities())), random);
        EmbeddingWindow before = EmbeddingWindow.ofRows(rows(random, 64), labels(64), null);
        EmbeddingWindow after = EmbeddingWindow.ofRows(rows(random, 64), labels(64), null);
        VersionDriftTracker.Comparison comparison =
                new VersionDriftTracker.Comparison(2, 3, VersionDrift.withDefaults().compare(before, after),
                        OptionalLong.of(2));
        AlarmEvent raised = new AlarmEvent(AlarmKind.VERSION_DRIFT, AlarmState.RAISED, 1, "CKA 0.10 < 0.50");

        Map<String, Double> calibrated = Map.of("drift.ert.statistic", 0.25, "drift.label_shift.p_value", Double.NaN);
        String[] names = {"zero", null, "caf\u00e9.two", "three"};
        MetricsRecord record = MetricsRecordBuilder.build(5, window, report, calibrated, List.of("a drift note"),
                Optional.of(comparison), List.of(raised), List.of(AlarmKind.VERSION_DRIFT), names);

        SCHEMA.assertConforms(record.toJson());
        StepRecord last = steps.get(steps.size() - 1);
        assertEquals(5, record.window());
        assertEquals(last.step, record.step());
        assertEquals(last.modelVersion, record.modelVersion());
        assertEquals(Instant.ofEpochMilli(last.timestampMillis), record.time());
        assertEquals(steps.size() * STEP_ROWS, record.images());
        assertEquals(1, record.skippedSteps());
        assertEquals(last.learningRate, record.learningRate());
        double appliedLoss = (steps.get(0).loss + steps.get(2).loss) / 2.0;
        assertEquals(appliedLoss, record.loss().total().orElseThrow(), 1e-6, "the mean over applied steps only");
        assertEquals(List.of("cm", "ldmat"), List.copyOf(record.loss().terms().keySet()));
        Map<String, Double> expected = new java.util.LinkedHashMap<>(report.toFlatMap());
        expected.put("drift.ert.statistic", 0.25);
        assertEquals(expected, record.metrics(), "the report's figures and the finite calibrated-drift figures");
        assertTrue(record.notes().contains("a drift note"), record.notes().toString());
        VersionDriftFigures drift = record.versionDrift().orElseThrow();
        assertEquals(2, drift.fromVersion());
        assertEquals(3, drift.toVersion());
        Map<String, Double> versionFigures = new java.util.LinkedHashMap<>(comparison.report().toFlatMap());
        versionFigures.put("version.warmup_left", 2.0);
        assertEquals(versionFigures, drift.figures());
        assertEquals(List.of(new AlarmChange("VERSION_DRIFT", AlarmChange.RAISED, "CKA 0.10 < 0.50")), record.alarms());
        assertEquals(List.of("VERSION_DRIFT"), record.activeAlarms());
        // Every class of the window shows in norms.class.<c>.*; class 1 has no name and so is not named.
        for (int c = 0; c < CLASSES; c++) {
            assertTrue(record.metrics().containsKey("norms.class." + c + ".mean"), record.metrics().keySet()::toString);
        }
        assertEquals(Map.of(0, "zero", 2, "caf\u00e9.two", 3, "three"), record.classNames());
        assertEquals("1", record.className(1));
    }

    @Test
    void theMetricNamesReadersLookUpAreThoseTheModelsReportsWrite() {
        Random random = new Random(11);
        WindowAccumulator window = new WindowAccumulator(DIMENSION, 8, 1);
        window.add(step(random, 1, true, 1_000), 0);
        window.add(step(random, 2, true, 2_000), 0);
        WindowReport report = withDataDrift(WindowMetrics.withDefaults().compute(new EmbeddingWindow(
                window.embeddings(), window.rows(), DIMENSION, window.labels(), window.qualities())), random);
        EmbeddingWindow probe = EmbeddingWindow.ofRows(rows(random, 64), labels(64), null);
        for (String name : List.of(MetricsRecord.EFFECTIVE_RANK, MetricsRecord.NORM_QUALITY_SPEARMAN,
                MetricsRecord.DRIFT_P_VALUE)) {
            assertTrue(report.toFlatMap().containsKey(name), name + " not in " + report.toFlatMap().keySet());
        }
        assertTrue(VersionDrift.withDefaults().compare(probe, probe).toFlatMap().containsKey(VersionDriftFigures.CKA));
    }

    @Test
    void aWindowWithoutAppliedStepsOrQualitiesLeavesThoseFiguresOut() {
        Random random = new Random(3);
        WindowAccumulator window = new WindowAccumulator(DIMENSION, 8, 1);
        StepRecord skipped = step(random, 1, false, 1_000);
        skipped.qualities = null;
        window.add(skipped, 0);
        WindowReport report = WindowMetrics.withDefaults().compute(new EmbeddingWindow(
                window.embeddings(), window.rows(), DIMENSION, window.labels(), window.qualities()));

        MetricsRecord record = MetricsRecordBuilder.build(1, window, report, Map.of(), List.of(), Optional.empty(), List.of(),
                List.of(), null);

        SCHEMA.assertConforms(record.toJson());
        assertTrue(record.gradientNorm().isEmpty());
        assertTrue(record.loss().total().isEmpty());
        assertTrue(record.loss().terms().isEmpty());
        assertTrue(record.quality().isEmpty());
        assertTrue(record.versionDrift().isEmpty());
        assertTrue(record.classNames().isEmpty(), "an integer-labelled stream's record names no class");
        assertTrue(!new String(record.toJson(), java.nio.charset.StandardCharsets.UTF_8).contains("class_names"));
    }

    private static WindowReport withDataDrift(WindowReport report, Random random) {
        DataDriftResult drift = new DataDriftTest(DriftConfig.defaults()).test(
                EmbeddingWindow.ofRows(rows(random, 64), null, null), EmbeddingWindow.ofRows(rows(random, 64), null, null));
        return new WindowReport(report.windowSize(), report.dimension(), report.droppedRows(), report.collapse(),
                report.norms(), report.separation(), Optional.of(drift), report.notes());
    }

    private static StepRecord step(Random random, long step, boolean applied, long millis) {
        StepRecord r = new StepRecord();
        r.step = step;
        r.modelVersion = step / 10;
        r.applied = applied;
        r.loss = 1 + random.nextFloat();
        r.componentNames = new String[] {"cm", "ldmat"};
        r.componentValues = new float[] {random.nextFloat(), random.nextFloat()};
        r.gradientNorm = 2 + random.nextFloat();
        r.learningRate = 0.0015f;
        r.stepNanos = 500_000_000L;
        r.timestampMillis = millis;
        r.dimension = DIMENSION;
        r.embeddings = new float[STEP_ROWS * DIMENSION];
        for (int i = 0; i < r.embeddings.length; i++) {
            r.embeddings[i] = (float) random.nextGaussian();
        }
        r.labels = labels(STEP_ROWS);
        r.qualities = new float[STEP_ROWS];
        for (int i = 0; i < STEP_ROWS; i++) {
            r.qualities[i] = random.nextFloat();
        }
        r.batcherIngested = 100 * step;
        r.batcherBuffered = 10;
        return r;
    }

    private static float[][] rows(Random random, int n) {
        float[][] rows = new float[n][DIMENSION];
        for (float[] row : rows) {
            for (int j = 0; j < DIMENSION; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return rows;
    }

    private static int[] labels(int n) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % CLASSES;
        }
        return labels;
    }
}
