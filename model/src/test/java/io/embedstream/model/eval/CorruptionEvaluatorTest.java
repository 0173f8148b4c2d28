package io.embedstream.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.data.corruption.Corruption;
import io.embedstream.model.data.corruption.CorruptionSet;
import io.embedstream.types.LabeledImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The corruption evaluation with the pixels as embeddings, checked against a brute-force nearest neighbour. */
class CorruptionEvaluatorTest {
    private static final SyntheticShapes SHAPES = SyntheticShapes.builder().seed(41).build();
    private static final List<LabeledImage> GALLERY = SHAPES.generate(300);
    private static final List<LabeledImage> TEST = SHAPES.generate(80);

    @Test
    void everyKindAndLevelMatchesABruteForceNearestNeighbour() {
        LabeledEmbeddings references = LabeledEmbeddings.of(pixels(GALLERY),
                GALLERY.stream().mapToInt(LabeledImage::label).toArray());
        CorruptionReport report = new CorruptionEvaluator(SimilarityMetric.COSINE, 6)
                .evaluate(CorruptionEvaluatorTest::pixels, TEST, references, CorruptionSet.parse("all"));

        assertEquals(15, report.cells().size());
        assertEquals(List.of(Corruption.values()), report.kinds());
        assertEquals(bruteForcePrecisionAt1(TEST), report.clean(), 1e-12);
        double sum = 0;
        for (Corruption kind : Corruption.values()) {
            for (int level = 1; level <= Corruption.LEVELS; level++) {
                double expected = bruteForcePrecisionAt1(kind.apply(TEST, level, 6));
                assertEquals(expected, report.precisionAt1(kind, level), 1e-12, kind + " level " + level);
                sum += expected;
            }
        }
        assertEquals(sum / 15, report.mean(), 1e-12);
        // Pixels are no robust embedding: the strongest occlusion must cost them something, or the test is vacuous.
        assertTrue(report.precisionAt1(Corruption.OCCLUSION, 3) < report.clean(), report.toMap().toString());

        Map<String, Object> json = report.toMap();
        assertEquals(report.mean(), json.get("mean_precision_at_1"));
        assertEquals(report.precisionAt1(Corruption.SALT_PEPPER, 2),
                ((Map<?, ?>) ((Map<?, ?>) json.get("precision_at_1")).get("salt-pepper")).get("2"));
    }

    @Test
    void noKindsGiveTheCleanFigureAlone() {
        LabeledEmbeddings references = LabeledEmbeddings.of(pixels(GALLERY),
                GALLERY.stream().mapToInt(LabeledImage::label).toArray());
        CorruptionReport report = new CorruptionEvaluator(SimilarityMetric.COSINE, 6)
                .evaluate(CorruptionEvaluatorTest::pixels, TEST, references, CorruptionSet.NONE);
        assertTrue(report.cells().isEmpty());
        assertTrue(Double.isNaN(report.mean()));
        assertEquals(bruteForcePrecisionAt1(TEST), report.clean(), 1e-12);
    }

    private static float[][] pixels(List<LabeledImage> images) {
        float[][] rows = new float[images.size()][];
        for (int i = 0; i < rows.length; i++) {
            byte[] p = images.get(i).pixels();
            rows[i] = new float[p.length];
            for (int j = 0; j < p.length; j++) {
                rows[i][j] = p[j] & 0xFF;
            }
        }
        return rows;
    }

    /** Share of queries whose most cosine-similar gallery image has their label; ties go to the first. */
    private static double bruteForcePrecisionAt1(List<LabeledImage> queries) {
        float[][] g = pixels(GALLERY);
        float[][] q = pixels(queries);
        int hits = 0;
        for (int i = 0; i < q.length; i++) {
            int best = -1;
            double bestCos = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < g.length; j++) {
                double dot = 0, nq = 0, ng = 0;
                for (int k = 0; k < g[j].length; k++) {
                    dot += (double) q[i][k] * g[j][k];
                    nq += (double) q[i][k] * q[i][k];
                    ng += (double) g[j][k] * g[j][k];
                }
                double cos = dot / Math.sqrt(nq * ng + 1e-30);
                if (cos > bestCos) {
                    bestCos = cos;
                    best = j;
                }
            }
            hits += GALLERY.get(best).label() == queries.get(i).label() ? 1 : 0;
        }
        return hits / (double) q.length;
    }
}
