package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.eval.holdout.HeldOutSet;
import io.embedstream.pipeline.config.PromotionConfig;
import io.embedstream.pipeline.types.GateDecision;
import io.embedstream.types.LabeledImage;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The gate's rules with stand-in versions whose embeddings are known: a version's parameters name how it embeds
 * (by class, at random, NaN, all the same, or by class only for images of one era), so that each rule is met or
 * broken on purpose.
 */
class PromotionGateTest {
    private static final int D = 16;
    private static final PromotionConfig CONFIG = new PromotionConfig(0.1, 0, 10, 100, 40, 0.05, true, true);

    /** Parameters byte 0: 'G' by class, 'R' random, 'N' NaN, 'C' one point, 'O' by class for "old" images only. */
    private static float[][] embed(byte[] parameters, List<LabeledImage> images) {
        float[][] rows = new float[images.size()][D];
        for (int i = 0; i < rows.length; i++) {
            LabeledImage image = images.get(i);
            SplittableRandom noise = new SplittableRandom(image.id().hashCode());
            char kind = (char) parameters[0];
            boolean byClass = kind == 'G' || (kind == 'O' && image.id().startsWith("old"));
            for (int j = 0; j < D; j++) {
                rows[i][j] = switch (kind) {
                    case 'N' -> Float.NaN;
                    case 'C' -> 1f;
                    default -> (byClass && j == image.label() ? 3f : 0f) + (float) noise.nextGaussian() * 0.3f;
                };
            }
        }
        return rows;
    }

    private static HeldOutSet set(String era, int perClass) {
        HeldOutSet set = HeldOutSet.create(10, 100);
        add(set, era, perClass);
        return set;
    }

    private static void add(HeldOutSet set, String era, int perClass) {
        for (int i = 0; i < perClass; i++) {
            for (int label = 0; label < 8; label++) {
                set.add(new LabeledImage(era + "-" + label + "-" + i, label, 1, 1, 1, new byte[] {0}), 0.9f);
            }
        }
    }

    private static byte[] version(char kind) {
        return new byte[] {(byte) kind};
    }

    @Test
    void firstFiniteVersionIsPromotedOnceTheSetIsLargeEnoughAndWorseOnesAreRejectedWithTheirReason() {
        PromotionGate gate = new PromotionGate(CONFIG, D);
        PromotionGate.State state = new PromotionGate.State();
        GateDecision early = gate.judge(state, set("old", 2), 1, version('G'), PromotionGateTest::embed);
        assertEquals("reject", early.kind);
        assertTrue(early.reason.contains("gate.min-held-out = 40"), early.reason);

        HeldOutSet set = set("old", 10);
        GateDecision nan = gate.judge(state, set, 2, version('N'), PromotionGateTest::embed);
        assertEquals("reject", nan.kind);
        assertTrue(nan.reason.contains("not finite"), nan.reason);
        GateDecision collapsed = gate.judge(state, set, 3, version('C'), PromotionGateTest::embed);
        assertEquals("reject", collapsed.kind);
        assertTrue(collapsed.reason.startsWith("collapse"), collapsed.reason);

        GateDecision first = gate.judge(state, set, 4, version('G'), PromotionGateTest::embed);
        assertEquals("promote", first.kind, first.reason);
        assertEquals(4, first.serving);
        assertTrue(first.precisionAt1 > 0.9, "by class: " + first.precisionAt1);
        assertEquals(-1, first.compatFrom, "no map without a predecessor");

        GateDecision random = gate.judge(state, set, 5, version('R'), PromotionGateTest::embed);
        assertEquals("reject", random.kind);
        assertTrue(random.reason.contains("below promoted version 4"), random.reason);
        assertEquals(4, random.serving);

        GateDecision second = gate.judge(state, set, 6, version('G'), PromotionGateTest::embed);
        assertEquals("promote", second.kind, second.reason);
        assertEquals(4, second.compatFrom, "the map from the previously promoted version");
        assertEquals(D * D, second.compatMatrix.length);
        assertEquals("least-squares ridge 1e-4, normalised rows", second.compatMethod);
        assertEquals(List.of(4L, 6L), state.promotedVersions);
    }

    @Test
    void servingVersionThatFallsBelowAnEarlierPromotedOneIsRolledBack() {
        PromotionGate gate = new PromotionGate(CONFIG, D);
        PromotionGate.State state = new PromotionGate.State();
        HeldOutSet set = set("old", 10);
        assertEquals("promote", gate.judge(state, set, 1, version('G'), PromotionGateTest::embed).kind);
        // Version 2 is as good as 1 on the images held out so far...
        assertEquals("promote", gate.judge(state, set, 2, version('O'), PromotionGateTest::embed).kind);
        // ...but not on the stream's new images, which replace the old ones in the set.
        add(set, "new", 10);
        GateDecision d = gate.judge(state, set, 3, version('R'), PromotionGateTest::embed);
        assertEquals("reject", d.kind);
        assertEquals(1, d.rollbackTo, d.reason);
        assertEquals(1, d.serving);
        assertNotNull(d.rollbackReason);
        assertTrue(d.rollbackReason.contains("serving version 2"), d.rollbackReason);
        assertEquals(List.of(1L), state.promotedVersions, "the rolled-back version leaves the kept list");
    }

    @Test
    void withoutAHeldOutShareEveryVersionIsPromoted() {
        PromotionGate gate = new PromotionGate(PromotionConfig.off(), D);
        PromotionGate.State state = new PromotionGate.State();
        GateDecision d = gate.judge(state, HeldOutSet.create(2, 2), 1, version('N'), PromotionGateTest::embed);
        assertEquals("promote", d.kind);
        assertTrue(d.reason.contains("holdout.share=0"), d.reason);
    }
}
