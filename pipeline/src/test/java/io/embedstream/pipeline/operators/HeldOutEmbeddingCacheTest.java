package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.eval.holdout.HeldOutSet;
import io.embedstream.pipeline.types.GateDecision;
import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gate's embedding cache changes what is computed, never what is decided: the same stream of held-out images
 * and candidates judged with and without it gives the same decisions, with far fewer images embedded.
 */
class HeldOutEmbeddingCacheTest {

    /** Counts the images embedded by the stand-in versions of {@link PromotionGateTest}. */
    private static final class Counting implements PromotionGate.Embedder {
        long images;

        @Override
        public float[][] embed(byte[] parameters, List<LabeledImage> list) {
            images += list.size();
            return PromotionGateTest.embed(parameters, list);
        }
    }

    @Test
    void embedsOnlyWhatItHasNotSeenAndForgetsWhatIsNotRetained() {
        Counting counting = new Counting();
        HeldOutEmbeddingCache cache = new HeldOutEmbeddingCache(counting);
        byte[] good = PromotionGateTest.version('G');
        byte[] random = PromotionGateTest.version('R');
        List<LabeledImage> old = PromotionGateTest.era("old", 2);
        List<LabeledImage> both = new ArrayList<>(old);
        both.addAll(PromotionGateTest.era("new", 1));

        float[][] first = cache.embed(good, old);
        assertEquals(16, counting.images);
        float[][] again = cache.embed(good, both);
        assertEquals(24, counting.images, "only the 8 new images are embedded");
        for (int i = 0; i < old.size(); i++) {
            assertArrayEquals(first[i], again[i]);
        }
        float[][] direct = PromotionGateTest.embed(good, both);
        for (int i = 0; i < both.size(); i++) {
            assertArrayEquals(direct[i], again[i], "row " + i + " in the order asked");
        }
        // Another version with equal bytes is another array: its own rows.
        cache.embed(random, old);
        assertEquals(40, counting.images);
        assertEquals(40, cache.size());

        cache.retain(List.of(good), old);
        assertEquals(16, cache.size(), "the random version and the new images are forgotten");
        cache.embed(good, both);
        assertEquals(48, counting.images, "forgotten images are embedded again");
    }

    @Test
    void theSameStreamJudgedWithAndWithoutTheCacheGivesTheSameDecisions() {
        Counting plain = new Counting();
        List<String> withoutCache = judgeStream(plain, null);
        Counting cached = new Counting();
        HeldOutEmbeddingCache cache = new HeldOutEmbeddingCache(cached);
        List<String> withCache = judgeStream(cache, cache);

        assertEquals(withoutCache, withCache);
        assertTrue(withoutCache.stream().anyMatch(d -> d.startsWith("promote")), withoutCache.toString());
        assertTrue(withoutCache.stream().anyMatch(d -> d.startsWith("reject")), withoutCache.toString());
        assertTrue(cached.images * 2 < plain.images, "embedded " + cached.images + " images with the cache, "
                + plain.images + " without");
    }

    /**
     * Held-out images and candidates as a stream brings them: a clean era, a stretch of shuffled labels with random
     * candidates, a clean era again with good candidates; each decision as kind, serving version, rollback, P@1 and
     * reason. With a cache, it is retained after each judgement as {@link PromotionOperator} does.
     */
    private static List<String> judgeStream(PromotionGate.Embedder embedder, HeldOutEmbeddingCache cache) {
        PromotionGate gate = new PromotionGate(PromotionGateTest.CONFIG, PromotionGateTest.D);
        PromotionGate.State state = new PromotionGate.State();
        HeldOutSet set = HeldOutSet.create(10, 100);
        List<String> decisions = new ArrayList<>();
        long version = 0;
        char[][] rounds = {{'G'}, {'G', 'G'}, {'R', 'R', 'R'}, {'R', 'G'}, {'G', 'G', 'G'}};
        for (int round = 0; round < rounds.length; round++) {
            List<LabeledImage> arriving = round == 2 ? PromotionGateTest.shuffled(3, 7)
                    : PromotionGateTest.era("era" + round, 3);
            arriving.forEach(image -> PromotionGate.receive(state, set, image, 0.9f));
            for (char kind : rounds[round]) {
                GateDecision d = gate.judge(state, set, ++version, PromotionGateTest.version(kind), embedder);
                decisions.add(d.kind + " serving " + d.serving + " rollback " + d.rollbackTo + " p1 "
                        + d.precisionAt1 + " " + d.reason);
                if (cache != null) {
                    List<LabeledImage> held = new ArrayList<>();
                    set.entries().forEach(e -> held.add(e.image()));
                    set.quarantinedEntries().forEach(e -> held.add(e.image()));
                    cache.retain(state.promotedParameters, held);
                }
            }
        }
        assertEquals(Arrays.stream(rounds).mapToInt(r -> r.length).sum(), decisions.size());
        return decisions;
    }
}
