package io.embedstream.model.eval.holdout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bounded, class-balanced shelf of held-out entries: the most recent ones of each class, at most {@code perClass} a
 * class and {@code capacity} in all (an equal share a class when the classes need more; the class seen least recently
 * goes when there are more classes than {@code capacity}). The {@link HeldOutSet}'s trusted images and its quarantine
 * are one shelf each, so both stay within the same bounds. Not thread-safe.
 */
final class ClassShelf {
    private final int perClass;
    private final int capacity;
    private final TreeMap<Integer, ArrayDeque<HeldOutSet.Entry>> byClass = new TreeMap<>();
    private int size;
    private long evicted;

    ClassShelf(int perClass, int capacity) {
        this.perClass = perClass;
        this.capacity = capacity;
    }

    /** Puts an entry after those of its class, evicting the oldest of its class (or a whole class) to stay in bounds. */
    void add(HeldOutSet.Entry entry) {
        int label = entry.image().label();
        boolean newClass = !byClass.containsKey(label);
        byClass.computeIfAbsent(label, k -> new ArrayDeque<>()).addLast(entry);
        size++;
        if (newClass && byClass.size() > capacity) {
            evictLeastRecentClass(label);
        }
        int limit = classLimit();
        if (newClass) {
            // A new class may lower every class's share: trim them all now, once per new class.
            for (ArrayDeque<HeldOutSet.Entry> images : byClass.values()) {
                trim(images, limit);
            }
        } else {
            trim(byClass.get(label), limit);
        }
    }

    /** Puts an entry read from a snapshot back as it was, without trimming (the snapshot was within bounds). */
    void restore(HeldOutSet.Entry entry) {
        byClass.computeIfAbsent(entry.image().label(), k -> new ArrayDeque<>()).addLast(entry);
        size++;
    }

    int classLimit() {
        return Math.max(1, Math.min(perClass, capacity / Math.max(1, byClass.size())));
    }

    int size() {
        return size;
    }

    int classes() {
        return byClass.size();
    }

    long evicted() {
        return evicted;
    }

    void evicted(long value) {
        evicted = value;
    }

    boolean holds(int label) {
        return byClass.containsKey(label);
    }

    Map<Integer, Integer> classCounts() {
        Map<Integer, Integer> counts = new TreeMap<>();
        byClass.forEach((label, images) -> counts.put(label, images.size()));
        return Collections.unmodifiableMap(counts);
    }

    /** Every entry, by label in ascending order and oldest first within a class. */
    List<HeldOutSet.Entry> entries() {
        List<HeldOutSet.Entry> all = new ArrayList<>(size);
        byClass.values().forEach(all::addAll);
        return Collections.unmodifiableList(all);
    }

    /** Every entry in the order it arrived in. */
    List<HeldOutSet.Entry> inArrivalOrder() {
        List<HeldOutSet.Entry> all = new ArrayList<>(entries());
        all.sort(java.util.Comparator.comparingLong(HeldOutSet.Entry::sequence));
        return all;
    }

    void clear() {
        byClass.clear();
        size = 0;
    }

    private void trim(ArrayDeque<HeldOutSet.Entry> images, int limit) {
        while (images.size() > limit) {
            images.removeFirst();
            size--;
            evicted++;
        }
    }

    private void evictLeastRecentClass(int keep) {
        Integer oldest = null;
        long oldestSeen = Long.MAX_VALUE;
        for (Map.Entry<Integer, ArrayDeque<HeldOutSet.Entry>> e : byClass.entrySet()) {
            long seen = e.getValue().peekLast().sequence();
            if (e.getKey() != keep && seen < oldestSeen) {
                oldestSeen = seen;
                oldest = e.getKey();
            }
        }
        ArrayDeque<HeldOutSet.Entry> gone = byClass.remove(oldest);
        size -= gone.size();
        evicted += gone.size();
    }
}
