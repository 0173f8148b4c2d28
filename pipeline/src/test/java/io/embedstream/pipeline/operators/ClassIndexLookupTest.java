package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.metrics.CollapseDriftDetector;
import io.embedstream.pipeline.types.ScoredImage;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The metrics operator's probe and drift samples are taken before the batcher names classes (issue 16): a named
 * image's class index comes from the latest version's name table, and per-class figures leave out only the classes
 * that no version names yet.
 */
class ClassIndexLookupTest {

    @Test
    void namesResolveThroughTheLatestVersionsTable() {
        MetricsOperator.MetricsState state = new MetricsOperator.MetricsState();
        ClassIndexLookup lookup = new ClassIndexLookup(state);
        List<ScoredImage> images = List.of(named("cat"), numbered(4), named("dog"), named("emu"));

        assertArrayEquals(new int[] {-1, 4, -1, -1}, lookup.labels(images), "no version yet: only the integer");
        lookup.update(new String[] {"dog", null, "cat"});
        assertArrayEquals(new int[] {2, 4, 0, -1}, lookup.labels(images));
        // The trainer's table grows in place of the old one: the next version's table is read anew.
        lookup.update(new String[] {"dog", "emu", "cat"});
        assertArrayEquals(new int[] {2, 4, 0, 1}, lookup.labels(images));
        assertEquals(3, state.classNames.length, "the table is the checkpointed state's");

        // After a restore the state's table is read again.
        assertArrayEquals(new int[] {2, 4, 0, 1}, new ClassIndexLookup(state).labels(images));
    }

    @Test
    void versionDriftComparesTheNamedClassesAndLeavesOutTheUnnamedOnes() {
        MetricsOperator.MetricsState state = new MetricsOperator.MetricsState();
        VersionDriftTracker tracker = new VersionDriftTracker(state, CollapseDriftDetector.withDefaults(), 0);
        Random random = new Random(3);
        float[][] first = rows(random, 12, 8);
        float[][] second = rows(random, 12, 8);
        // Classes 0 and 2 are named; 4 rows are of a class that no version names yet.
        int[] labels = {0, 0, 2, 2, -1, 0, 2, -1, 0, -1, 2, -1};

        tracker.observe(first, labels, 1);
        tracker.observe(second, labels, 2);

        Map<String, Double> figures = tracker.latest().orElseThrow().report().toFlatMap();
        assertEquals(8.0, figures.get("version.probe_size"), "the 8 rows of named classes: " + figures);
        assertTrue(figures.containsKey("version.class.0.centroid_shift"), figures.toString());
        assertTrue(figures.containsKey("version.class.2.centroid_shift"), figures.toString());
        assertEquals(2, figures.keySet().stream().filter(k -> k.startsWith("version.class.")).count(), figures.toString());
        assertEquals(12, state.previousProbe.length, "the whole probe set is kept for the next comparison");

        // Before any version names a class, versions are still compared, on every row, without classes.
        VersionDriftTracker unnamed = new VersionDriftTracker(new MetricsOperator.MetricsState(),
                CollapseDriftDetector.withDefaults(), 0);
        int[] none = new int[12];
        java.util.Arrays.fill(none, -1);
        unnamed.observe(first, none, 1);
        unnamed.observe(second, none, 2);
        Map<String, Double> all = unnamed.latest().orElseThrow().report().toFlatMap();
        assertEquals(12.0, all.get("version.probe_size"), all.toString());
        assertTrue(all.keySet().stream().noneMatch(k -> k.startsWith("version.class.")), all.toString());
    }

    private static float[][] rows(Random random, int n, int d) {
        float[][] rows = new float[n][d];
        for (float[] row : rows) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return rows;
    }

    private static ScoredImage named(String name) {
        ScoredImage image = new ScoredImage();
        image.label = -1;
        image.labelName = name;
        return image;
    }

    private static ScoredImage numbered(int label) {
        ScoredImage image = new ScoredImage();
        image.label = label;
        return image;
    }
}
