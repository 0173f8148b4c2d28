package io.embedstream.pipeline.batching;

import io.embedstream.model.random.Rng;
import io.embedstream.pipeline.config.BatcherConfig;
import io.embedstream.pipeline.types.MiniBatch;
import io.embedstream.pipeline.types.ScoredImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds class-diverse batches of P classes x K images from a stream with any number of classes (see
 * {@link BatcherConfig} for the policies). Nothing here scans the classes: a record reads and writes a constant
 * number of state entries, a batch O(P x K), whether the stream has ten classes or a hundred thousand, and the
 * state is bounded by {@link BatcherConfig#maxBuffered()} and {@link BatcherConfig#maxReplay()} images: past them
 * the least recently fed class's buffer (or reservoir) is evicted and counted.
 *
 * <p>One assembler serves one call of the operator: it reads entries on demand and writes them back in
 * {@link #finish()}; the caller keeps {@link BatcherIndex}.
 */
public final class BatchAssembler {
    private static final long SLOT_BITS = 32;

    private final BatcherConfig config;
    private final BatcherStores stores;
    private final BatcherIndex index;
    private final ClassLists lists;
    private final BatcherOutput output;

    public BatchAssembler(BatcherConfig config, BatcherStores stores, BatcherIndex index, BatcherOutput output) {
        this.config = config;
        this.stores = stores;
        this.index = index;
        this.lists = new ClassLists(stores.classes(), index);
        this.output = output;
    }

    static long slotKey(int label, int slot) {
        return ((long) label << SLOT_BITS) | slot;
    }

    /** Buffers one image, cutting a batch when P classes have K fresh images each. */
    public void add(ScoredImage image) throws Exception {
        int c = image.label;
        index.ingested++;
        int capacity = config.perClassCapacity();
        if (lists.get(c).freshCount == capacity && !cut(false, c)) {
            dropOldest(c); // nothing to mix this class with
        }
        ClassEntry e = lists.get(c);
        stores.fresh().put(slotKey(c, (e.freshHead + e.freshCount) % capacity), image);
        e.freshCount++;
        index.buffered++;
        lists.moveToTail(ClassLists.FRESH, c);
        if (e.freshCount >= config.samplesPerClass()) {
            lists.append(ClassLists.READY, c);
        }
        offerToReplay(c, image);
        cut(false, ClassLists.NONE);
        // After the cut, so that images a batch could use are not evicted first.
        while (index.buffered > config.maxBuffered()) {
            evictFresh(lists.first(ClassLists.FRESH));
        }
        while (index.replayImages > config.maxReplay()) {
            evictReservoir(lists.first(ClassLists.REPLAY));
        }
    }

    /**
     * The timeout: cuts what is buffered into partial batches, K at most per class and topped up from the
     * reservoir, until no fresh image is left or what is left cannot make a batch ({@link BatcherConfig#minClasses()}).
     * These are the batches that one cut per timeout made, without the timeouts between them: the timeout bounds how
     * long an image waits, and one cut per timeout left a stream's tail, the surplus of its commoner classes, for
     * several timeouts (issue 19: 385 images of a 10-class stream took 5 timeouts, 25 s, after the last full batch).
     */
    public boolean cutPartial() throws Exception {
        boolean cutAny = false;
        // Each cut takes at least one fresh image, so this ends.
        while (index.buffered > 0 && cut(true, ClassLists.NONE)) {
            cutAny = true;
        }
        return cutAny;
    }

    /** Writes back the class entries this assembler touched. */
    public void finish() throws Exception {
        lists.flush();
    }

    private void dropOldest(int c) throws Exception {
        ClassEntry e = lists.get(c);
        long key = slotKey(c, e.freshHead);
        ScoredImage oldest = stores.fresh().get(key);
        stores.fresh().remove(key);
        e.freshHead = (e.freshHead + 1) % config.perClassCapacity();
        e.freshCount--;
        index.buffered--;
        index.dropped++;
        if (e.freshCount < config.samplesPerClass()) {
            lists.unlink(ClassLists.READY, c);
        }
        output.dropped(oldest);
    }

    /** Reservoir sampling (algorithm R) per class. */
    private void offerToReplay(int c, ScoredImage image) throws Exception {
        int size = config.replayPerClass();
        if (size == 0) {
            return;
        }
        ClassEntry e = lists.get(c);
        long seen = ++e.seen;
        if (seen == 1) {
            e.replayPosition = index.replayClasses++;
            stores.replayClasses().put(e.replayPosition, c);
        }
        lists.moveToTail(ClassLists.REPLAY, c);
        if (seen <= size) {
            stores.replay().put(slotKey(c, (int) (seen - 1)), image);
            index.replayImages++;
        } else {
            Rng rng = new Rng(index.rngState);
            long j = Math.floorMod(rng.nextLong(), seen);
            index.rngState = rng.state();
            if (j < size) {
                stores.replay().put(slotKey(c, (int) j), image);
            }
        }
    }

    private void evictFresh(int c) throws Exception {
        ClassEntry e = lists.get(c);
        while (e.freshCount > 0) {
            dropOldest(c);
        }
        lists.unlink(ClassLists.FRESH, c);
        index.evictedClasses++;
        lists.deleteIfEmpty(c);
    }

    private void evictReservoir(int c) throws Exception {
        ClassEntry e = lists.get(c);
        int held = (int) Math.min(e.seen, config.replayPerClass());
        for (int slot = 0; slot < held; slot++) {
            stores.replay().remove(slotKey(c, slot));
        }
        index.replayImages -= held;
        e.seen = 0;
        int last = --index.replayClasses;
        if (e.replayPosition != last) {
            int moved = stores.replayClasses().get(last);
            stores.replayClasses().put(e.replayPosition, moved);
            lists.get(moved).replayPosition = e.replayPosition;
        }
        stores.replayClasses().remove(last);
        e.replayPosition = -1;
        lists.unlink(ClassLists.REPLAY, c);
        index.evictedReservoirs++;
        lists.deleteIfEmpty(c);
    }

    /**
     * Emits a batch if one can be made: normally when P classes have K fresh images; when {@code overflowing}
     * names a class whose buffer is full (which then comes first) or {@code partial} (timeout), with what is
     * there, topped up from the replay reservoir.
     */
    private boolean cut(boolean partial, int overflowing) throws Exception {
        int p = config.classesPerBatch();
        int k = config.samplesPerClass();
        boolean full = lists.size(ClassLists.READY) >= p;
        if (!full && !partial && overflowing == ClassLists.NONE) {
            return false; // the common case, once per record: no state read
        }
        Set<Integer> chosen = new LinkedHashSet<>();
        if (overflowing != ClassLists.NONE) {
            chosen.add(overflowing);
        }
        for (int c = lists.first(ClassLists.READY); c != ClassLists.NONE && chosen.size() < p;
             c = lists.next(ClassLists.READY, c)) {
            chosen.add(c);
        }
        if (!full) {
            // Ready classes were taken first; the rest of a partial batch comes from the longest-waiting classes.
            for (int c = lists.first(ClassLists.FRESH); c != ClassLists.NONE && chosen.size() < p;
                 c = lists.next(ClassLists.FRESH, c)) {
                chosen.add(c);
            }
        }
        Rng rng = new Rng(index.rngState);
        List<Integer> fromReplay = new ArrayList<>();
        if (!full && config.replayPerClass() > 0) {
            // Random classes from the reservoir array; a bounded number of draws keeps the cost O(P).
            for (int draw = 0; draw < 4 * p && chosen.size() + fromReplay.size() < p
                    && fromReplay.size() < index.replayClasses; draw++) {
                int c = stores.replayClasses().get(rng.nextInt(index.replayClasses));
                if (!chosen.contains(c) && !fromReplay.contains(c)) {
                    fromReplay.add(c);
                }
            }
        }
        if (chosen.isEmpty() || chosen.size() + fromReplay.size() < config.minClasses()) {
            // No fresh image: an idle stream does not train on the replay reservoir alone (the model would keep
            // changing, and overfitting the reservoir, after the data stopped).
            return false;
        }
        List<ScoredImage> images = new ArrayList<>();
        for (int c : chosen) {
            takeFresh(c, Math.min(k, lists.get(c).freshCount), images);
        }
        if (overflowing != ClassLists.NONE && !full) {
            fillFromSurplus(chosen, p * k - images.size() - fromReplay.size() * k, images);
        }
        int replayed = 0;
        for (int c : fromReplay) {
            int available = (int) Math.min(lists.get(c).seen, config.replayPerClass());
            for (int i = 0; i < k; i++) {
                images.add(stores.replay().get(slotKey(c, rng.nextInt(available))));
                replayed++;
            }
        }
        index.rngState = rng.state();
        MiniBatch batch = new MiniBatch();
        batch.sequence = ++index.batches;
        batch.images = images.toArray(new ScoredImage[0]);
        batch.replayed = replayed;
        batch.classes = chosen.size() + fromReplay.size();
        batch.partial = !full;
        batch.ingested = index.ingested;
        batch.dropped = index.dropped;
        batch.buffered = index.buffered;
        output.batch(batch);
        return true;
    }

    /**
     * A batch cut because a class overflowed fills the places its short classes left with the surplus of the
     * others, the overflowing class first, at most K more each: the batch keeps its P x K size, so a stream of
     * N images runs about N / (P x K) steps, as a schedule planned over them expects (issue 19: with every class
     * in the batch, a shuffled stream of 10 classes ran 338 steps where 305 were planned, the last 33 at a
     * learning rate of 0), and the overflowing class is relieved by more than K. A timeout's batches are not
     * filled: K at most per class keeps them balanced, and the timeout goes on cutting until what is left cannot
     * make a batch.
     */
    private void fillFromSurplus(Set<Integer> chosen, int missing, List<ScoredImage> images) throws Exception {
        for (int c : chosen) {
            if (missing <= 0) {
                return;
            }
            ClassEntry e = lists.find(c); // null once the first take emptied it
            int more = Math.min(Math.min(missing, config.samplesPerClass()), e == null ? 0 : e.freshCount);
            if (more > 0) {
                takeFresh(c, more, images);
                missing -= more;
            }
        }
    }

    private void takeFresh(int c, int count, List<ScoredImage> into) throws Exception {
        ClassEntry e = lists.get(c);
        for (int i = 0; i < count; i++) {
            long key = slotKey(c, e.freshHead);
            into.add(stores.fresh().get(key));
            stores.fresh().remove(key);
            e.freshHead = (e.freshHead + 1) % config.perClassCapacity();
            e.freshCount--;
            index.buffered--;
        }
        lists.unlink(ClassLists.READY, c);
        if (e.freshCount >= config.samplesPerClass()) {
            lists.append(ClassLists.READY, c); // still ready: to the back, behind classes that waited longer
        }
        if (e.freshCount == 0) {
            lists.unlink(ClassLists.FRESH, c);
            lists.deleteIfEmpty(c);
        }
    }
}
