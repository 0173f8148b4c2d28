package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.eval.holdout.HeldOutSet;
import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeldOutLabelsTest {

    @Test
    void aNameKeepsItsLabelAcrossARestoreOfTheList() {
        List<String> slots = new ArrayList<>();
        HeldOutLabels labels = new HeldOutLabels(slots);
        int cat = labels.labelOf("cat", label -> true, 10);
        int dog = labels.labelOf("dog", label -> true, 10);
        assertEquals(0, cat, "dense, non-negative labels: the evaluator refuses negative ones");
        assertEquals(1, dog);
        HeldOutLabels restored = new HeldOutLabels(new ArrayList<>(slots));
        assertEquals(dog, restored.labelOf("dog", label -> true, 10));
        assertEquals(cat, restored.labelOf("cat", label -> true, 10));
    }

    @Test
    void anEndlessStreamOfNamesKeepsTheListBoundedAndLiveNamesDistinct() {
        // A held-out set that keeps 4 classes of 2 images: 10,000 names, each with 2 images, pass through it.
        HeldOutSet set = HeldOutSet.create(2, 8);
        List<String> slots = new ArrayList<>();
        HeldOutLabels labels = new HeldOutLabels(slots);
        for (int n = 0; n < 10_000; n++) {
            String name = "id-" + n;
            for (int i = 0; i < 2; i++) {
                int label = labels.labelOf(name, set::holds, set.capacity());
                set.add(new LabeledImage(name + "/" + i, label, 1, 1, 1, new byte[1]), 0.5f);
            }
            assertTrue(slots.size() <= 2 * set.capacity(), "slots: " + slots.size());
        }
        // The names still held have distinct labels, and each label's images are one name's.
        Set<Integer> held = new HashSet<>();
        for (HeldOutSet.Entry entry : set.entries()) {
            String name = entry.image().id().substring(0, entry.image().id().indexOf('/'));
            assertEquals(entry.image().label(), labels.labelOf(name, set::holds, set.capacity()));
            held.add(entry.image().label());
        }
        assertEquals(set.classes(), held.size());
        assertNotEquals(0, held.size());
    }
}
