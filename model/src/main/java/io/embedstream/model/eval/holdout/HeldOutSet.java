package io.embedstream.model.eval.holdout;

import io.embedstream.types.LabeledImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The held-out images a candidate version is evaluated on: the most recent ones of each class, at most {@code
 * perClass} a class and {@code capacity} in all, with their quality estimate.
 *
 * <p>Most recent, not a uniform sample of all history: the gate must judge a candidate on the stream as it is now,
 * and it evaluates the serving version on the same set at the same time, so both are compared on equal terms.
 * Class-balanced: a class that floods the stream keeps no more images than a rare one, so the figures are not the
 * figures of the majority class. When the classes seen would need more than {@code capacity} images, every class
 * keeps an equal share ({@code capacity / classes}, at least one); when there are more classes than {@code capacity},
 * the class seen least recently goes. Mutable and not thread-safe: it is one operator's state, and {@link #snapshot}
 * and {@link #restore} carry it across checkpoints.
 */
public final class HeldOutSet {
    private static final int FORMAT = 1;

    /** One held-out image, its quality estimate in [0, 1] and the order it arrived in. */
    public record Entry(LabeledImage image, float quality, long sequence) {}

    private final int perClass;
    private final int capacity;
    private final TreeMap<Integer, ArrayDeque<Entry>> byClass = new TreeMap<>();
    private int size;
    private long nextSequence;
    private long evicted;

    private HeldOutSet(int perClass, int capacity) {
        this.perClass = perClass;
        this.capacity = capacity;
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

    /** Adds an image, evicting the oldest of its class (or a whole class, see above) to stay within bounds. */
    public void add(LabeledImage image, float quality) {
        if (!(quality >= 0 && quality <= 1)) {
            throw new IllegalArgumentException("quality must be in [0, 1], got " + quality + " for " + image.id());
        }
        boolean newClass = !byClass.containsKey(image.label());
        byClass.computeIfAbsent(image.label(), k -> new ArrayDeque<>())
                .addLast(new Entry(image, quality, nextSequence++));
        size++;
        if (newClass && byClass.size() > capacity) {
            evictLeastRecentClass(image.label());
        }
        int limit = classLimit();
        if (newClass) {
            // A new class may lower every class's share: trim them all now, once per new class.
            for (ArrayDeque<Entry> images : byClass.values()) {
                trim(images, limit);
            }
        } else {
            trim(byClass.get(image.label()), limit);
        }
    }

    /** Images a class may keep now: {@code perClass}, or an equal share of the capacity when that is smaller. */
    public int classLimit() {
        return Math.max(1, Math.min(perClass, capacity / Math.max(1, byClass.size())));
    }

    public int size() {
        return size;
    }

    public int classes() {
        return byClass.size();
    }

    /** Images dropped to stay within bounds since the set was created (carried across restores). */
    public long evicted() {
        return evicted;
    }

    /** Whether the set keeps images of this label. */
    public boolean holds(int label) {
        return byClass.containsKey(label);
    }

    /** Number of images of each class, by label in ascending order. */
    public Map<Integer, Integer> classCounts() {
        Map<Integer, Integer> counts = new TreeMap<>();
        byClass.forEach((label, images) -> counts.put(label, images.size()));
        return Collections.unmodifiableMap(counts);
    }

    /** Every entry, by label in ascending order and oldest first within a class: the same order after a restore. */
    public List<Entry> entries() {
        List<Entry> all = new ArrayList<>(size);
        byClass.values().forEach(all::addAll);
        return Collections.unmodifiableList(all);
    }

    private void trim(ArrayDeque<Entry> images, int limit) {
        while (images.size() > limit) {
            images.removeFirst();
            size--;
            evicted++;
        }
    }

    private void evictLeastRecentClass(int keep) {
        Integer oldest = null;
        long oldestSeen = Long.MAX_VALUE;
        for (Map.Entry<Integer, ArrayDeque<Entry>> e : byClass.entrySet()) {
            long seen = e.getValue().peekLast().sequence();
            if (e.getKey() != keep && seen < oldestSeen) {
                oldestSeen = seen;
                oldest = e.getKey();
            }
        }
        ArrayDeque<Entry> gone = byClass.remove(oldest);
        size -= gone.size();
        evicted += gone.size();
    }

    /** The whole set as bytes, for checkpointed state. */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            out.writeInt(perClass);
            out.writeInt(capacity);
            out.writeLong(nextSequence);
            out.writeLong(evicted);
            out.writeInt(size);
            for (Entry e : entries()) {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The set {@link #snapshot} wrote; a snapshot it cannot read is refused with the reason. */
    public static HeldOutSet restore(byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IllegalArgumentException("held-out set snapshot has format " + format + "; this version"
                        + " reads format " + FORMAT);
            }
            HeldOutSet set = create(in.readInt(), in.readInt());
            set.nextSequence = in.readLong();
            set.evicted = in.readLong();
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
                set.byClass.computeIfAbsent(label, k -> new ArrayDeque<>())
                        .addLast(new Entry(new LabeledImage(id, label, w, h, c, pixels), quality, sequence));
                set.size++;
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

    @Override
    public String toString() {
        return "HeldOutSet[" + size + " images in " + byClass.size() + " classes, limit " + classLimit()
                + " a class, capacity " + capacity + ", evicted " + evicted + "]";
    }
}
