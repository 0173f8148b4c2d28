package io.embedstream.pipeline.operators;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Labels of the class names the promotion gate holds out. The batcher's registry indexes a name only when it reaches
 * the batcher, after the gate has taken its held-out images, so the gate numbers names itself: with {@code
 * classes.names} every held-out class goes through here by name (an integer label n is the name "n", as in the
 * registry), and the name in slot k of the checkpointed list is label k, dense and non-negative as the evaluator
 * wants them (it sizes its tables by the largest label; a negative one it refuses). The list stays bounded: when
 * it reaches twice the number of classes the held-out set can keep, the slots of names whose images the set has
 * evicted are freed (an empty string; a name is never empty) and reused.
 */
final class HeldOutLabels {
    static final String FREE = "";

    private final List<String> slots;
    private final Map<String, Integer> labels = new HashMap<>();

    /** Over the gate's checkpointed list, which this keeps up to date. */
    HeldOutLabels(List<String> slots) {
        this.slots = slots;
        for (int k = 0; k < slots.size(); k++) {
            if (!FREE.equals(slots.get(k))) {
                labels.put(slots.get(k), label(k));
            }
        }
    }

    /**
     * The label of a name, giving it a slot when new.
     *
     * @param held whether a label still has images in the held-out set
     * @param maxClasses how many classes the held-out set keeps at most
     */
    int labelOf(String name, IntPredicate held, int maxClasses) {
        Integer known = labels.get(name);
        if (known != null) {
            return known;
        }
        int slot = slots.indexOf(FREE);
        if (slot < 0 && slots.size() >= 2 * Math.max(1, maxClasses)) {
            release(held);
            slot = slots.indexOf(FREE);
        }
        if (slot < 0) {
            slots.add(name);
            slot = slots.size() - 1;
        } else {
            slots.set(slot, name);
        }
        labels.put(name, label(slot));
        return label(slot);
    }

    int slots() {
        return slots.size();
    }

    private void release(IntPredicate held) {
        for (int k = 0; k < slots.size(); k++) {
            String name = slots.get(k);
            if (!FREE.equals(name) && !held.test(label(k))) {
                labels.remove(name);
                slots.set(k, FREE);
            }
        }
    }

    private static int label(int slot) {
        return slot;
    }
}
