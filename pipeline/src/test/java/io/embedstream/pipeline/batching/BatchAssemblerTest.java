package io.embedstream.pipeline.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.pipeline.config.BatcherConfig;
import io.embedstream.pipeline.types.MiniBatch;
import io.embedstream.pipeline.types.ScoredImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchAssemblerTest {

    /** The batcher operator's life cycle on hash maps: one assembler per call, the index kept between calls. */
    private static final class Harness implements BatcherOutput {
        final BatcherConfig config;
        final CountingStore<Long, ScoredImage> fresh = new CountingStore<>();
        final CountingStore<Long, ScoredImage> replay = new CountingStore<>();
        final CountingStore<Integer, ClassEntry> classes = new CountingStore<>();
        final CountingStore<Integer, Integer> replayClasses = new CountingStore<>();
        final BatcherStores stores = new BatcherStores(fresh, replay, classes, replayClasses);
        final BatcherIndex index = BatcherIndex.create(7);
        final List<MiniBatch> batches = new ArrayList<>();
        final List<ScoredImage> dropped = new ArrayList<>();
        int sent;

        Harness(BatcherConfig config) {
            this.config = config;
        }

        void add(int label) throws Exception {
            ScoredImage image = new ScoredImage();
            image.id = "img-" + sent++;
            image.label = label;
            BatchAssembler assembler = new BatchAssembler(config, stores, index, this);
            assembler.add(image);
            assembler.finish();
        }

        boolean timeout() throws Exception {
            BatchAssembler assembler = new BatchAssembler(config, stores, index, this);
            boolean cut = assembler.cutPartial();
            assembler.finish();
            return cut;
        }

        long operations() {
            return fresh.operations + replay.operations + classes.operations + replayClasses.operations;
        }

        long freshBatched() {
            return batches.stream().mapToLong(b -> b.images.length - b.replayed).sum();
        }

        @Override
        public void batch(MiniBatch batch) {
            batches.add(batch);
        }

        @Override
        public void dropped(ScoredImage image) {
            dropped.add(image);
        }
    }

    private static BatcherConfig config(int p, int k, int capacity, int replay, int maxBuffered, int maxReplay) {
        return new BatcherConfig(p, k, capacity, replay, 5000, 2, maxBuffered, maxReplay, false);
    }

    @Test
    void fullBatchesHavePDistinctClassesOfKFreshImagesEach() throws Exception {
        Harness h = new Harness(config(8, 2, 8, 4, 8192, 16384));
        Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            h.add(random.nextInt(1000));
        }
        assertTrue(h.batches.size() > 500, "batches: " + h.batches.size());
        Set<String> seen = new HashSet<>();
        for (MiniBatch b : h.batches) {
            assertFalse(b.partial);
            assertEquals(0, b.replayed);
            assertEquals(16, b.images.length);
            Map<Integer, Integer> perClass = new HashMap<>();
            for (ScoredImage image : b.images) {
                perClass.merge(image.label, 1, Integer::sum);
                assertTrue(seen.add(image.id), "an image was batched twice: " + image.id);
            }
            assertEquals(8, perClass.size());
            assertTrue(perClass.values().stream().allMatch(n -> n == 2), perClass.toString());
        }
        // Every image is accounted for: batched, still buffered, or dropped.
        assertEquals(h.sent, h.freshBatched() + h.index.buffered + h.dropped.size());
        assertEquals(h.index.buffered, h.fresh.map.size());
    }

    @Test
    void stateOperationsPerRecordDoNotGrowWithTheNumberOfClasses() throws Exception {
        long[] worst = new long[2];
        double[] mean = new double[2];
        int[] classCounts = {100, 10_000};
        for (int run = 0; run < 2; run++) {
            Harness h = new Harness(config(8, 2, 8, 4, 2048, 4096));
            Random random = new Random(2);
            for (int i = 0; i < 30_000; i++) {
                long before = h.operations();
                h.add(random.nextInt(classCounts[run]));
                worst[run] = Math.max(worst[run], h.operations() - before);
            }
            mean[run] = (double) h.operations() / h.sent;
        }
        // A record touches its class, a few list neighbours, its slot and reservoir; a batch or an eviction adds
        // O(P x K) or O(capacity + replay). None of it depends on the 100 or 10,000 classes.
        long bound = 8L * (8 * 2 + 8 + 4) + 64;
        assertTrue(worst[0] <= bound && worst[1] <= bound, Arrays.toString(worst) + " > " + bound);
        assertTrue(mean[1] < 2 * mean[0] + 10, Arrays.toString(mean));
    }

    @Test
    void stateStaysWithinTheImageBoundsWhateverTheNumberOfClasses() throws Exception {
        Harness h = new Harness(config(8, 4, 16, 4, 1000, 2000));
        for (int label = 0; label < 10_000; label++) {
            h.add(label); // one image each: no class is ever ready, every buffer is eventually evicted
        }
        assertEquals(1000, h.index.buffered);
        assertEquals(1000, h.fresh.map.size());
        assertEquals(2000, h.replay.map.size());
        assertEquals(2000, h.index.replayClasses);
        assertEquals(2000, h.replayClasses.map.size());
        assertTrue(h.classes.map.size() <= 2000, "class entries: " + h.classes.map.size());
        assertEquals(9000, h.index.evictedClasses);
        assertEquals(8000, h.index.evictedReservoirs);
        assertEquals(9000, h.dropped.size());
        assertEquals(h.sent, h.freshBatched() + h.index.buffered + h.dropped.size());
        // The evicted are the least recently fed: the newest classes are all still there.
        for (int label = 9000; label < 10_000; label++) {
            assertEquals(1, h.classes.map.get(label).freshCount, "class " + label);
        }
    }

    @Test
    void aTimeoutCutsWhatIsBufferedToppedUpFromTheReservoir() throws Exception {
        Harness h = new Harness(config(4, 4, 16, 8, 8192, 16384));
        for (int label = 0; label < 6; label++) {
            for (int i = 0; i < 4; i++) {
                h.add(label);
            }
        }
        int full = h.batches.size();
        assertEquals(1, full);
        h.add(10); // one fresh image of a new class, plus 2 ready classes left over
        assertTrue(h.timeout());
        MiniBatch partial = h.batches.get(full);
        assertTrue(partial.partial);
        assertEquals(4, partial.classes);
        long freshImages = partial.images.length - partial.replayed;
        assertEquals(4 + 4 + 1, freshImages);
        assertEquals(4, partial.replayed); // one replayed class of K images fills the fourth place
        assertEquals(0, h.index.buffered);
        assertFalse(h.timeout(), "no fresh image: no batch from the reservoir alone");
    }

    @Test
    void aFullClassIsBatchedFirstAndDropsOnlyWhenNothingCanJoinIt() throws Exception {
        Harness h = new Harness(config(2, 2, 4, 0, 8192, 16384));
        for (int i = 0; i < 4; i++) {
            h.add(0);
        }
        h.add(0); // full, and no other class to mix with: the oldest is dropped
        assertEquals(List.of("img-0"), h.dropped.stream().map(s -> s.id).toList());
        h.add(1);
        h.add(0); // full again: cut with class 1's single image instead of dropping
        assertEquals(1, h.dropped.size());
        MiniBatch b = h.batches.get(h.batches.size() - 1);
        assertEquals(2, b.classes);
        // K = 2 of class 0, class 1's one image, and class 0's surplus fills the place class 1 left
        assertEquals(List.of(0, 0, 1, 0), Arrays.stream(b.images).map(i -> i.label).toList());
        assertEquals(0, b.replayed);
        assertEquals(h.sent, h.freshBatched() + h.index.buffered + h.dropped.size());
    }

    @Test
    void aBatchCutByAnOverflowKeepsItsSizeFromTheOtherClassesSurplusAtMostKMoreEach() throws Exception {
        // P = 3 x K = 2, capacity 4: class 2 lags, so no full batch; class 0 overflows first.
        Harness h = new Harness(config(3, 2, 4, 0, 8192, 16384));
        for (int label : new int[] {1, 1, 1, 0, 0, 0, 0, 2}) {
            h.add(label);
        }
        assertEquals(0, h.batches.size());
        h.add(0); // class 0 is full: a batch cut around it
        MiniBatch b = h.batches.get(0);
        // 2 of class 0, 2 of class 1 (ready), class 2's one; the missing place from class 0 (it overflowed)
        assertEquals(List.of(0, 0, 1, 1, 2, 0), Arrays.stream(b.images).map(i -> i.label).toList());
        assertEquals(3, b.classes);
        assertEquals(h.sent, h.freshBatched() + h.index.buffered + h.dropped.size());
        assertEquals(0, h.dropped.size());
        // Not more than K extra from one class: class 0 holds 8, yet gives K + K = 4 and 3 places stay empty.
        Harness few = new Harness(config(4, 2, 8, 0, 8192, 16384));
        for (int label : new int[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0}) {
            few.add(label);
        }
        MiniBatch cut = few.batches.get(0);
        assertEquals(List.of(0, 0, 1, 0, 0), Arrays.stream(cut.images).map(i -> i.label).toList());
        assertEquals(5, few.index.buffered, "class 0's other 4, and the image that overflowed");
    }

    @Test
    void aTimeoutTrainsEverythingBufferedInBatchesOfKAtMostPerClass() throws Exception {
        // P = 3 x K = 2, capacity 8, replay 2 per class: class 0 holds 5, class 1 holds 2, class 2 nothing.
        Harness h = new Harness(config(3, 2, 8, 2, 8192, 16384));
        for (int label : new int[] {0, 0, 0, 0, 0, 1, 1}) {
            h.add(label);
        }
        assertEquals(0, h.batches.size());
        assertTrue(h.timeout());
        // K of each class there, class 2 has no reservoir: a partial batch, not filled from class 0's surplus.
        MiniBatch first = h.batches.get(0);
        assertTrue(first.partial);
        assertEquals(List.of(0, 0, 1, 1), Arrays.stream(first.images).map(i -> i.label).toList());
        assertEquals(0, first.replayed);
        // Then, in the same timeout, class 0's rest, K at a time, each time with class 1 replayed.
        assertEquals(3, h.batches.size(), "the tail does not wait for more timeouts");
        for (MiniBatch b : h.batches.subList(1, 3)) {
            assertEquals(2, b.classes);
            assertEquals(2, b.replayed);
        }
        assertEquals(List.of(2L, 1L), h.batches.subList(1, 3).stream()
                .map(b -> (long) (b.images.length - b.replayed)).toList());
        assertEquals(0, h.index.buffered);
        assertEquals(h.sent, h.freshBatched());
        assertFalse(h.timeout(), "nothing fresh: no batch from the reservoir alone");
    }

    @Test
    void aTimeoutLeavesWhatCannotMakeABatch() throws Exception {
        // No reservoir, at least 2 classes a batch: once class 1 is used up, class 0's rest cannot be batched alone.
        Harness h = new Harness(config(3, 2, 8, 0, 8192, 16384));
        for (int label : new int[] {0, 0, 0, 0, 1}) {
            h.add(label);
        }
        assertTrue(h.timeout());
        assertEquals(1, h.batches.size());
        assertEquals(List.of(0, 0, 1), Arrays.stream(h.batches.get(0).images).map(i -> i.label).toList(),
                "a slow stream is not padded: the timeout's batch is K at most per class");
        assertEquals(2, h.index.buffered);
        assertFalse(h.timeout());
        assertEquals(h.sent, h.freshBatched() + h.index.buffered);
    }

    @Test
    void classesThatHoldNothingLeaveNoState() throws Exception {
        Harness h = new Harness(config(4, 2, 4, 0, 8192, 16384));
        for (int round = 0; round < 2; round++) {
            for (int label = 0; label < 400; label++) {
                h.add(label);
            }
        }
        assertEquals(0, h.index.buffered);
        assertEquals(0, h.fresh.map.size());
        assertEquals(0, h.classes.map.size());
        assertEquals(100, h.batches.size()); // 800 images, P x K = 8
    }

    @Test
    void theSameStreamAndSeedGiveTheSameBatches() throws Exception {
        List<List<String>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            Harness h = new Harness(config(4, 2, 8, 4, 64, 128));
            Random random = new Random(3);
            for (int i = 0; i < 3000; i++) {
                h.add(random.nextInt(300));
                if (i % 97 == 0) {
                    h.timeout();
                }
            }
            runs.add(h.batches.stream().flatMap(b -> Arrays.stream(b.images)).map(s -> s.id).toList());
        }
        assertTrue(runs.get(0).size() > 1000);
        assertEquals(runs.get(0), runs.get(1));
    }
}
