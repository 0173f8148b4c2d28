package io.embedstream.model.eval.holdout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.types.LabeledImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeldOutEvaluatorTest {
    private static final int CLASSES = 10;

    /** Images whose pixels say their class and whether they are "good": the fake networks below read both. */
    private static HeldOutSet set(int perClass) {
        HeldOutSet set = HeldOutSet.create(perClass, perClass * CLASSES);
        Random random = new Random(5);
        for (int i = 0; i < perClass * CLASSES; i++) {
            int label = i % CLASSES;
            float quality = random.nextFloat();
            byte[] pixels = {(byte) label, (byte) (quality >= 2.0 / 3 ? 1 : 0), (byte) random.nextInt(256),
                (byte) random.nextInt(256)};
            set.add(new LabeledImage("img-" + i, label, 2, 2, 1, pixels), quality);
        }
        return set;
    }

    /** A network that separates the classes perfectly: one-hot of the class. */
    private static float[][] perfect(List<LabeledImage> images) {
        return images.stream().map(im -> {
            float[] row = new float[CLASSES];
            row[im.pixel(0, 0, 0)] = 1;
            return row;
        }).toArray(float[][]::new);
    }

    /** A network that knows nothing of the class: a random direction per image, fixed by its id. */
    private static float[] noise(LabeledImage im) {
        Random r = new Random(im.id().hashCode());
        float[] row = new float[CLASSES];
        for (int j = 0; j < CLASSES; j++) {
            row[j] = (float) r.nextGaussian();
        }
        return row;
    }

    @Test
    void aPerfectNetworkFindsEveryQuerysClass() {
        HeldOutFigures f = HeldOutEvaluator.withDefaults().evaluate(set(20), HeldOutEvaluatorTest::perfect).orElseThrow();
        assertEquals(100, f.queries(), "every second image of each class is a query");
        assertEquals(100, f.gallery());
        assertEquals(CLASSES, f.classes());
        assertEquals(1.0, f.precisionAt1(), 0);
        assertEquals(1.0, f.mapAtR().getAsDouble(), 1e-12);
        assertTrue(f.finite());
    }

    @Test
    void aNetworkThatKnowsNothingScoresChance() {
        HeldOutFigures f = HeldOutEvaluator.withDefaults().evaluate(set(60),
                images -> images.stream().map(HeldOutEvaluatorTest::noise).toArray(float[][]::new)).orElseThrow();
        double sd = Math.sqrt(0.1 * 0.9 / f.queries());
        System.out.printf("random network: P@1 %.3f over %d queries (chance 0.1 +- %.3f)%n", f.precisionAt1(),
                f.queries(), sd);
        assertEquals(0.1, f.precisionAt1(), 4 * sd);
    }

    @Test
    void qualityBandsSeparateWhatTheNetworkGetsRightFromWhatItDoesNot() {
        // Good for high-quality images only: the top band must be perfect, the others near chance.
        HeldOutFigures f = HeldOutEvaluator.withDefaults().evaluate(set(60), images -> images.stream()
                .map(im -> im.pixel(1, 0, 0) == 1 ? perfect(List.of(im))[0] : noise(im)).toArray(float[][]::new))
                .orElseThrow();
        assertEquals(3, f.byQuality().size());
        HeldOutFigures.Band low = f.byQuality().get(0);
        HeldOutFigures.Band high = f.byQuality().get(2);
        assertEquals(2.0 / 3, high.from(), 1e-12);
        assertEquals(1.0, high.precisionAt1(), 0, "high-quality queries find their perfectly embedded class");
        assertTrue(low.precisionAt1() < 0.35, "low band near chance: " + low.precisionAt1());
        assertEquals(f.queries(), f.byQuality().stream().mapToInt(HeldOutFigures.Band::queries).sum());
    }

    @Test
    void aVersionThatEmbedsNaNHasNoFiguresToRank() {
        HeldOutFigures f = HeldOutEvaluator.withDefaults().evaluate(set(4), images -> {
            float[][] rows = perfect(images);
            rows[1][0] = Float.NaN;
            return rows;
        }).orElseThrow();
        assertFalse(f.finite());
        assertEquals(2, f.nonFiniteRows(), "one bad row among the queries, one among the gallery");
    }

    @Test
    void aSetWithoutTwoClassesToQueryCannotJudge() {
        HeldOutSet set = HeldOutSet.create(4, 40);
        set.add(new LabeledImage("a", 0, 2, 2, 1, new byte[4]), 1f);
        set.add(new LabeledImage("b", 0, 2, 2, 1, new byte[4]), 1f);
        set.add(new LabeledImage("c", 1, 2, 2, 1, new byte[4]), 1f);
        assertTrue(HeldOutEvaluator.withDefaults().evaluate(set, HeldOutEvaluatorTest::perfect).isEmpty(),
                "class 1 has no query yet");
    }

    @Test
    void badBandsAndAWrongRowCountAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> HeldOutEvaluator.of(io.embedstream.model.eval.RetrievalEvaluator.withDefaults(), 0.5, 0.4));
        assertThrows(IllegalArgumentException.class,
                () -> HeldOutEvaluator.of(io.embedstream.model.eval.RetrievalEvaluator.withDefaults(), 1.0));
        assertThrows(IllegalStateException.class, () -> HeldOutEvaluator.withDefaults().evaluate(set(4),
                images -> new float[1][CLASSES]));
    }
}
