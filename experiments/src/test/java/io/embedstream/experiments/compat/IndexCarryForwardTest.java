package io.embedstream.experiments.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IndexCarryForwardTest {
    private static final int D = 16;
    private static final int CLASSES = 10;

    /** Clustered points: class centre plus noise, the same images (rows) in every version. */
    private static float[][] clustered(Random r, float[][] centres, int[] labels) {
        float[][] rows = new float[labels.length][D];
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < D; j++) {
                rows[i][j] = centres[labels[i]][j] + 0.35f * (float) r.nextGaussian();
            }
        }
        return rows;
    }

    /** A random orthogonal map: the product of eight Householder reflections of Gaussian vectors. */
    private static float[][] rotate(float[][] rows, long seed) {
        Random r = new Random(seed);
        float[][] out = new float[rows.length][];
        double[][] vs = new double[8][D];
        for (double[] v : vs) {
            double norm = 0;
            for (int j = 0; j < D; j++) {
                v[j] = r.nextGaussian();
                norm += v[j] * v[j];
            }
            for (int j = 0; j < D; j++) {
                v[j] /= Math.sqrt(norm);
            }
        }
        for (int i = 0; i < rows.length; i++) {
            double[] x = new double[D];
            for (int j = 0; j < D; j++) {
                x[j] = rows[i][j];
            }
            for (double[] v : vs) {
                double dot = 0;
                for (int j = 0; j < D; j++) {
                    dot += x[j] * v[j];
                }
                for (int j = 0; j < D; j++) {
                    x[j] -= 2 * dot * v[j];
                }
            }
            out[i] = new float[D];
            for (int j = 0; j < D; j++) {
                out[i][j] = (float) x[j];
            }
        }
        return out;
    }

    @Test
    void aChainOfRotatedVersionsIsCarriedForwardAlmostCompletely() {
        Random r = new Random(9);
        float[][] centres = new float[CLASSES][D];
        for (float[] c : centres) {
            for (int j = 0; j < D; j++) {
                c[j] = (float) r.nextGaussian();
            }
        }
        int[] gl = r.ints(600, 0, CLASSES).toArray();
        int[] ql = r.ints(300, 0, CLASSES).toArray();
        int[] fl = r.ints(200, 0, CLASSES).toArray();
        float[][] g = clustered(r, centres, gl);
        float[][] q = clustered(r, centres, ql);
        float[][] f = clustered(r, centres, fl);
        List<VersionEmbeddings> versions = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            versions.add(new VersionEmbeddings(100L * k, g, q, f));
            g = rotate(g, k);
            q = rotate(q, k);
            f = rotate(f, k);
        }
        List<CarryForwardFigures> figures = new IndexCarryForward(MapVariant.standard(), 100, 200)
                .run(versions, gl, ql, fl);
        CarryForwardFigures v0 = figures.get(0);
        assertEquals(v0.reembedded(), v0.oldIndex(), 0, "the first version is its own index");
        assertTrue(v0.carried().isEmpty(), "nothing to carry into the first version");
        for (CarryForwardFigures c : figures.subList(1, figures.size())) {
            assertTrue(c.reembedded() - c.oldIndex() > 0.3, "a rotation breaks the old index: " + c.oldIndex());
            assertEquals(MapVariant.standard().size() * 3, c.carried().size(), "two fit sizes chained, one direct");
            for (CarryForwardFigures.Carried m : c.carried()) {
                assertTrue(c.recovery(m.precisionAt1()) > 0.95, "every map undoes the rotations: " + m);
            }
        }
        for (MapVariant m : MapVariant.standard()) {
            assertTrue(CarryForwardFigures.aggregateRecovery(figures, m.name(), 200, true) > 0.95, m.name());
        }
    }

    @Test
    void recoveryIsUndefinedWithoutAGapAndAggregatesOverVersions() {
        assertTrue(Double.isNaN(new CarryForwardFigures(1, 0, 0.9, 0.9, List.of()).recovery(0.9)));
        assertEquals(0.5, new CarryForwardFigures(1, 0, 0.5, 1.0, List.of()).recovery(0.75), 1e-12);
        // Gaps of 0.5 and 0.1, gains of 0.25 and 0.1: (0.35) / (0.6), not the mean of 50% and 100%.
        List<CarryForwardFigures> figures = List.of(new CarryForwardFigures(0, 0, 0.9, 0.9, List.of()),
                new CarryForwardFigures(1, 1, 0.5, 1.0, List.of(new CarryForwardFigures.Carried("m", 10, true, 0.75))),
                new CarryForwardFigures(2, 2, 0.8, 0.9, List.of(new CarryForwardFigures.Carried("m", 10, true, 0.9))));
        assertEquals(0.35 / 0.6, CarryForwardFigures.aggregateRecovery(figures, "m", 10, true), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> new IndexCarryForward(MapVariant.standard(), 10).run(List.of(), new int[0], new int[0], new int[0]));
    }
}
