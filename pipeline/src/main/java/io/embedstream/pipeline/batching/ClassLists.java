package io.embedstream.pipeline.batching;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The class entries touched by one batcher call, written back once at its end, and three doubly linked lists
 * threaded through them, so that every list operation reads and writes a constant number of entries:
 * <ul>
 *   <li>{@link #READY}: classes with at least K fresh images, in the order they became ready (a full batch takes
 *       the first P, so no class waits behind newer ones);
 *   <li>{@link #FRESH}: classes with any fresh image, least recently fed first (what a partial batch takes first,
 *       and what is evicted when the buffer bound is reached);
 *   <li>{@link #REPLAY}: classes with a reservoir, least recently fed first (what is evicted first).
 * </ul>
 */
final class ClassLists {
    static final int NONE = -1;
    static final int READY = 0;
    static final int FRESH = 1;
    static final int REPLAY = 2;
    static final int COUNT = 3;

    private final KeyValueStore<Integer, ClassEntry> store;
    private final BatcherIndex index;
    private final Map<Integer, ClassEntry> loaded = new HashMap<>();
    private final Set<Integer> deleted = new HashSet<>();

    ClassLists(KeyValueStore<Integer, ClassEntry> store, BatcherIndex index) {
        this.store = store;
        this.index = index;
    }

    /** @return the class's entry, or null when it holds nothing */
    ClassEntry find(int label) throws Exception {
        ClassEntry e = loaded.get(label);
        if (e == null && !deleted.contains(label)) {
            e = store.get(label);
            if (e != null) {
                loaded.put(label, e);
            }
        }
        return e;
    }

    ClassEntry get(int label) throws Exception {
        ClassEntry e = find(label);
        if (e == null) {
            e = new ClassEntry();
            loaded.put(label, e);
            deleted.remove(label);
        }
        return e;
    }

    /** Forgets a class that holds nothing any more (it must already be out of every list). */
    void deleteIfEmpty(int label) throws Exception {
        ClassEntry e = find(label);
        if (e != null && e.holdsNothing()) {
            loaded.remove(label);
            deleted.add(label);
        }
    }

    int first(int list) {
        return index.head[list];
    }

    int size(int list) {
        return index.size[list];
    }

    int next(int list, int label) throws Exception {
        return get(label).next[list];
    }

    void append(int list, int label) throws Exception {
        ClassEntry e = get(label);
        if (e.linked[list]) {
            return;
        }
        int last = index.tail[list];
        e.prev[list] = last;
        e.next[list] = NONE;
        if (last == NONE) {
            index.head[list] = label;
        } else {
            get(last).next[list] = label;
        }
        index.tail[list] = label;
        e.linked[list] = true;
        index.size[list]++;
    }

    void unlink(int list, int label) throws Exception {
        ClassEntry e = get(label);
        if (!e.linked[list]) {
            return;
        }
        int before = e.prev[list];
        int after = e.next[list];
        if (before == NONE) {
            index.head[list] = after;
        } else {
            get(before).next[list] = after;
        }
        if (after == NONE) {
            index.tail[list] = before;
        } else {
            get(after).prev[list] = before;
        }
        e.prev[list] = NONE;
        e.next[list] = NONE;
        e.linked[list] = false;
        index.size[list]--;
    }

    void moveToTail(int list, int label) throws Exception {
        unlink(list, label);
        append(list, label);
    }

    /** Writes back every entry this call touched. */
    void flush() throws Exception {
        for (Map.Entry<Integer, ClassEntry> e : loaded.entrySet()) {
            store.put(e.getKey(), e.getValue());
        }
        for (int label : deleted) {
            store.remove(label);
        }
        loaded.clear();
        deleted.clear();
    }
}
