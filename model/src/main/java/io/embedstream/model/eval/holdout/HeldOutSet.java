package io.embedstream.model.eval.holdout;

import io.embedstream.types.LabeledImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The held-out images a candidate version is evaluated on: the most recent <em>trusted</em> ones of each class, at
 * most {@code perClass} a class and {@code capacity} in all, with their quality estimate; and, apart from them, the
 * images in <em>quarantine</em>, which judge no version until they are admitted.
 *
 * <p>Most recent, not a uniform sample of all history: the gate must judge a candidate on the stream as it is now,
 * and it evaluates the serving version on the same set at the same time, so both are compared on equal terms.
 * Class-balanced: a class that floods the stream keeps no more images than a rare one, so the figures are not the
 * figures of the majority class. When the classes seen would need more than {@code capacity} images, every class
 * keeps an equal share ({@code capacity / classes}, at least one); when there are more classes than {@code capacity},
 * the class seen least recently goes.
 *
 * <p>Quarantine: an image held out while the stream is under suspicion must not judge the versions trained on that
 * same stretch, or a bad stretch (shuffled labels, a broken camera) votes itself in: its images replace the trusted
 * ones, every version scores alike on them, and a bad candidate looks level with the serving one. So the promotion
 * gate {@link #quarantine quarantines} what arrives after the first promotion, {@link #markRejected marks} what is in
 * quarantine as suspect when it rejects a candidate, and releases the quarantine when it promotes one: the images
 * held out since the last decision join the trusted images, and of the suspect ones those the gate admits ({@link
 * #admit(Predicate)}; the gate's {@code PromotionGate} judges them in the order they arrived, {@link
 * #suspectInArrivalOrder}); {@link #admit()} drops every suspect one, {@link #admitAll} lets every one join. The
 * quarantine is a second shelf with the same bounds, so the set never holds more than twice {@code capacity} images.
 *
 * <p>Mutable and not thread-safe: it is one operator's state, and {@link #snapshot} and {@link #restore} carry it
 * across checkpoints (format 2; a format-1 snapshot, written before the quarantine, restores with it empty).
 */
public final class HeldOutSet {
    private static final int FORMAT = 2;
    /** The format before the quarantine: the trusted images only. */
    private static final int FORMAT_TRUSTED_ONLY = 1;

    /** One held-out image, its quality estimate in [0, 1] and the order it arrived in. */
    public record Entry(LabeledImage image, float quality, long sequence) {}

    /** What an admission did: images that joined the trusted ones, and suspect ones that were dropped. */
    public record Admission(int admitted, int dropped) {}

    private final int perClass;
    private final int capacity;
    private final ClassShelf trusted;
    private final ClassShelf quarantine;
    private long nextSequence;
    /** Quarantined images that arrived before this sequence number were held out before a rejection: suspect. */
    private long suspectBefore;
    private int rejectionsSinceAdmission;
    private long dropped;

    private HeldOutSet(int perClass, int capacity) {
        this.perClass = perClass;
        this.capacity = capacity;
        this.trusted = new ClassShelf(perClass, capacity);
        this.quarantine = new ClassShelf(perClass, capacity);
    }

    /** An empty set keeping at most {@code perClass} images of a class and {@code capacity} in all. */
    public static HeldOutSet create(int perClass, int capacity) {
        if (perClass < 2) {
            throw new IllegalArgumentException("the held-out set needs at least 2 images per class (a query and"
                    + " one image of its class to find), got " + perClass);
        }
        if (capacity < perClass) {
            throw new IllegalArgumentException("the held-out set's capacity (" + capacity
                    + ") must hold at least one full class (" + perClass + " images)");
        }
        return new HeldOutSet(perClass, capacity);
    }

    public int perClass() {
        return perClass;
    }

    public int capacity() {
        return capacity;
    }

    /** Adds a trusted image, evicting the oldest of its class (or a whole class, see above) to stay within bounds. */
    public void add(LabeledImage image, float quality) {
        trusted.add(entry(image, quality));
    }

    /** Puts an image in quarantine (same bounds, its own shelf): it judges nothing until {@link #admit}. */
    public void quarantine(LabeledImage image, float quality) {
        quarantine.add(entry(image, quality));
    }

    private Entry entry(LabeledImage image, float quality) {
        if (!(quality >= 0 && quality <= 1)) {
            throw new IllegalArgumentException("quality must be in [0, 1], got " + quality + " for " + image.id());
        }
        return new Entry(image, quality, nextSequence++);
    }

    /**
     * A candidate was rejected: every image now in quarantine was held out in the stretch that made it, and is
     * suspect (dropped at the next {@link #admit}).
     */
    public void markRejected() {
        suspectBefore = nextSequence;
        rejectionsSinceAdmission++;
    }

    /**
     * A candidate was promoted: suspect quarantined images are dropped, the others join the trusted ones in the order
     * they arrived (the trusted shelf's bounds apply as to any new image).
     */
    public Admission admit() {
        return admit(suspect -> false);
    }

    /** Every quarantined image joins the trusted ones, suspect or not (the stream changed for good). */
    public Admission admitAll() {
        return admit(suspect -> true);
    }

    /**
     * A candidate was promoted: the quarantined images held out since the last rejection join the trusted ones, and
     * of the suspect ones those that {@code admitSuspect} accepts; the other suspect ones are dropped. Every image
     * joins in the order it arrived (the trusted shelf's bounds apply as to any new image).
     */
    public Admission admit(Predicate<Entry> admitSuspect) {
        int in = 0;
        int out = 0;
        for (Entry e : quarantine.inArrivalOrder()) {
            if (e.sequence() >= suspectBefore || admitSuspect.test(e)) {
                trusted.add(e);
                in++;
            } else {
                out++;
            }
        }
        quarantine.clear();
        dropped += out;
        suspectBefore = nextSequence;
        rejectionsSinceAdmission = 0;
        return new Admission(in, out);
    }

    /** Images a trusted class may keep now: {@code perClass}, or an equal share of the capacity when that is smaller. */
    public int classLimit() {
        return trusted.classLimit();
    }

    /** Trusted images: those a candidate is judged on. */
    public int size() {
        return trusted.size();
    }

    /** Classes of the trusted images. */
    public int classes() {
        return trusted.classes();
    }

    /** Images in quarantine. */
    public int quarantined() {
        return quarantine.size();
    }

    /** Images in quarantine held out before a rejection: dropped at the next {@link #admit}. */
    public int suspect() {
        return (int) quarantine.entries().stream().filter(e -> e.sequence() < suspectBefore).count();
    }

    /** Rejections since the quarantine was last released (the length of the stretch under suspicion). */
    public int rejectionsSinceAdmission() {
        return rejectionsSinceAdmission;
    }

    /**
     * Images dropped to stay within bounds since the set was created, in the trusted images and in quarantine (carried
     * across restores).
     */
    public long evicted() {
        return trusted.evicted() + quarantine.evicted();
    }

    /** Suspect quarantined images dropped at admissions since the set was created (carried across restores). */
    public long dropped() {
        return dropped;
    }

    /** Whether the set keeps images of this label, trusted or in quarantine. */
    public boolean holds(int label) {
        return trusted.holds(label) || quarantine.holds(label);
    }

    /** Number of trusted images of each class, by label in ascending order. */
    public Map<Integer, Integer> classCounts() {
        return trusted.classCounts();
    }

    /** Every trusted entry, by label in ascending order and oldest first within a class: the same after a restore. */
    public List<Entry> entries() {
        return trusted.entries();
    }

    /** Every quarantined entry, by label in ascending order and oldest first within a class. */
    public List<Entry> quarantinedEntries() {
        return quarantine.entries();
    }

    /** The suspect entries ({@link #suspect}) in the order they arrived. */
    public List<Entry> suspectInArrivalOrder() {
        return quarantine.inArrivalOrder().stream().filter(e -> e.sequence() < suspectBefore).toList();
    }

    /** The quarantined images as a set of their own (as trusted images), to evaluate versions on them. */
    public HeldOutSet quarantineAsSet() {
        HeldOutSet set = new HeldOutSet(perClass, capacity);
        for (Entry e : quarantine.entries()) {
            set.trusted.restore(e);
        }
        set.nextSequence = nextSequence;
        return set;
    }

    /** The whole set as bytes, for checkpointed state. */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            out.writeInt(perClass);
            out.writeInt(capacity);
            out.writeLong(nextSequence);
            out.writeLong(trusted.evicted());
            writeEntries(out, trusted.entries());
            // Format 2: the quarantine after the trusted images, as format 1 ended.
            out.writeLong(quarantine.evicted());
            out.writeLong(suspectBefore);
            out.writeInt(rejectionsSinceAdmission);
            out.writeLong(dropped);
            writeEntries(out, quarantine.entries());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeEntries(DataOutputStream out, List<Entry> entries) throws IOException {
        out.writeInt(entries.size());
        for (Entry e : entries) {
            LabeledImage im = e.image();
            out.writeLong(e.sequence());
            out.writeFloat(e.quality());
            out.writeUTF(im.id());
            out.writeInt(im.label());
            out.writeInt(im.width());
            out.writeInt(im.height());
            out.writeInt(im.channels());
            out.write(im.pixels());
        }
    }

    /**
     * The set {@link #snapshot} wrote, or a format-1 snapshot (before the quarantine: its images are trusted, the
     * quarantine is empty); a snapshot it cannot read is refused with the reason.
     */
    public static HeldOutSet restore(byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int format = in.readInt();
            if (format != FORMAT && format != FORMAT_TRUSTED_ONLY) {
                throw new IllegalArgumentException("held-out set snapshot has format " + format + "; this version"
                        + " reads formats " + FORMAT_TRUSTED_ONLY + " and " + FORMAT);
            }
            HeldOutSet set = create(in.readInt(), in.readInt());
            set.nextSequence = in.readLong();
            set.trusted.evicted(in.readLong());
            readEntries(in, set.trusted);
            if (format == FORMAT) {
                set.quarantine.evicted(in.readLong());
                set.suspectBefore = in.readLong();
                set.rejectionsSinceAdmission = in.readInt();
                set.dropped = in.readLong();
                readEntries(in, set.quarantine);
            } else {
                set.suspectBefore = set.nextSequence;
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("held-out set snapshot has " + in.available()
                        + " bytes after its last image");
            }
            return set;
        } catch (IOException e) {
            throw new IllegalArgumentException("held-out set snapshot is truncated or corrupt: " + e, e);
        }
    }

    private static void readEntries(DataInputStream in, ClassShelf shelf) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long sequence = in.readLong();
            float quality = in.readFloat();
            String id = in.readUTF();
            int label = in.readInt();
            int w = in.readInt();
            int h = in.readInt();
            int c = in.readInt();
            byte[] pixels = new byte[Math.multiplyExact(Math.multiplyExact(w, h), c)];
            in.readFully(pixels);
            shelf.restore(new Entry(new LabeledImage(id, label, w, h, c, pixels), quality, sequence));
        }
    }

    @Override
    public String toString() {
        return "HeldOutSet[" + size() + " trusted images in " + classes() + " classes, limit " + classLimit()
                + " a class, capacity " + capacity + "; " + quarantined() + " in quarantine (" + suspect()
                + " suspect); evicted " + evicted() + ", dropped " + dropped + "]";
    }
}
