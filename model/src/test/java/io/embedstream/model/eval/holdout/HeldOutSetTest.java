package io.embedstream.model.eval.holdout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.types.LabeledImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeldOutSetTest {
    private static LabeledImage image(String id, int label) {
        byte[] pixels = new byte[4 * 4];
        Arrays.fill(pixels, (byte) id.hashCode());
        return new LabeledImage(id, label, 4, 4, 1, pixels);
    }

    @Test
    void aFloodingClassKeepsNoMoreThanItsShareAndTheMostRecentImages() {
        HeldOutSet set = HeldOutSet.create(50, 1000);
        for (int i = 0; i < 1000; i++) {
            set.add(image("a" + i, 0), 0.5f);
        }
        for (int i = 0; i < 10; i++) {
            set.add(image("b" + i, 1), 0.5f);
        }
        assertEquals(Map.of(0, 50, 1, 10), set.classCounts());
        List<String> kept = set.entries().stream().filter(e -> e.image().label() == 0).map(e -> e.image().id()).toList();
        assertEquals("a950", kept.get(0), "oldest kept is the 50th most recent");
        assertEquals("a999", kept.get(49));
        assertEquals(950, set.evicted());
    }

    @Test
    void moreClassesShareTheCapacityEqually() {
        HeldOutSet set = HeldOutSet.create(50, 100);
        for (int i = 0; i < 60; i++) {
            set.add(image("a" + i, 0), 1f);
        }
        assertEquals(50, set.size());
        for (int c = 1; c < 4; c++) {
            for (int i = 0; i < 60; i++) {
                set.add(image(c + "-" + i, c), 1f);
            }
        }
        assertEquals(25, set.classLimit());
        assertEquals(Map.of(0, 25, 1, 25, 2, 25, 3, 25), set.classCounts());
        assertEquals(100, set.size());
    }

    @Test
    void staysWithinItsCapacityWhateverTheStream() {
        Random random = new Random(3);
        HeldOutSet set = HeldOutSet.create(8, 40);
        long added = 0;
        for (int i = 0; i < 20_000; i++) {
            int label = random.nextInt(i < 10_000 ? 5 : 200);
            set.add(image("x" + i, label), random.nextFloat());
            added++;
            assertTrue(set.size() <= 40, "size " + set.size() + " after " + i);
            int sum = set.classCounts().values().stream().mapToInt(Integer::intValue).sum();
            assertEquals(set.size(), sum, "size agrees with the classes' counts");
        }
        assertEquals(added, set.size() + set.evicted(), "every image is kept or counted as evicted");
        assertEquals(40, set.classes(), "with 200 classes and room for 40, the 40 seen most recently stay");
    }

    @Test
    void theClassSeenLeastRecentlyGoesWhenThereAreMoreClassesThanRoom() {
        HeldOutSet set = HeldOutSet.create(2, 3);
        set.add(image("a", 0), 1f);
        set.add(image("b", 1), 1f);
        set.add(image("c", 2), 1f);
        set.add(image("a2", 0), 1f);
        set.add(image("d", 3), 1f);
        assertEquals(Map.of(0, 1, 2, 1, 3, 1), set.classCounts(), "class 1 was seen least recently");
    }

    @Test
    void aRestoredSetHasTheSameImagesAndContinuesTheSame() {
        HeldOutSet original = HeldOutSet.create(5, 20);
        Random random = new Random(11);
        for (int i = 0; i < 300; i++) {
            original.add(image("i" + i, random.nextInt(7)), random.nextFloat());
        }
        HeldOutSet restored = HeldOutSet.restore(original.snapshot());
        assertEquals(original.entries().size(), restored.entries().size());
        for (int i = 0; i < original.entries().size(); i++) {
            HeldOutSet.Entry a = original.entries().get(i);
            HeldOutSet.Entry b = restored.entries().get(i);
            assertEquals(a.image().id(), b.image().id());
            assertEquals(a.image().label(), b.image().label());
            assertEquals(a.quality(), b.quality());
            assertEquals(a.sequence(), b.sequence());
            assertArrayEquals(a.image().pixels(), b.image().pixels());
        }
        assertEquals(original.evicted(), restored.evicted());
        for (int i = 300; i < 400; i++) {
            int label = random.nextInt(9);
            float q = random.nextFloat();
            original.add(image("i" + i, label), q);
            restored.add(image("i" + i, label), q);
        }
        assertArrayEquals(original.snapshot(), restored.snapshot(), "same state after the same images");
    }

    @Test
    void aSnapshotItCannotReadIsRefusedWithTheReason() {
        HeldOutSet set = HeldOutSet.create(2, 4);
        set.add(image("a", 0), 1f);
        byte[] bytes = set.snapshot();
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
                () -> HeldOutSet.restore(Arrays.copyOf(bytes, bytes.length - 3)));
        assertTrue(truncated.getMessage().contains("truncated or corrupt"), truncated.getMessage());
        byte[] otherFormat = bytes.clone();
        otherFormat[3] = 9;
        IllegalArgumentException format = assertThrows(IllegalArgumentException.class,
                () -> HeldOutSet.restore(otherFormat));
        assertTrue(format.getMessage().contains("format 9"), format.getMessage());
    }

    @Test
    void quarantinedImagesJudgeNothingUntilAdmittedAndThoseHeldOutBeforeARejectionAreDropped() {
        HeldOutSet set = HeldOutSet.create(5, 20);
        set.add(image("t0", 0), 1f);
        set.add(image("t1", 1), 1f);
        for (int i = 0; i < 3; i++) {
            set.quarantine(image("bad" + i, i % 2), 1f);
        }
        assertEquals(2, set.size(), "quarantined images are not among the trusted ones");
        assertEquals(3, set.quarantined());
        assertTrue(set.holds(0) && set.holds(1));
        set.markRejected();
        assertEquals(3, set.suspect(), "held out before the rejection");
        set.quarantine(image("good0", 0), 1f);
        set.quarantine(image("good1", 2), 1f);
        assertEquals(3, set.suspect());
        assertEquals(1, set.rejectionsSinceAdmission());

        HeldOutSet.Admission admission = set.admit();
        assertEquals(new HeldOutSet.Admission(2, 3), admission);
        assertEquals(List.of("t0", "good0", "t1", "good1"), set.entries().stream().map(e -> e.image().id()).toList());
        assertEquals(0, set.quarantined());
        assertEquals(0, set.rejectionsSinceAdmission());
        assertEquals(3, set.dropped());

        set.quarantine(image("later", 1), 1f);
        assertEquals(0, set.suspect(), "the rejection before the admission does not mark what comes after it");
        set.markRejected();
        assertEquals(new HeldOutSet.Admission(1, 0), set.admitAll(), "admitAll keeps the suspect ones too");
        assertEquals(5, set.size());
    }

    @Test
    void suspectImagesComeInArrivalOrderAndOnlyThoseTheGateAcceptsAreAdmitted() {
        HeldOutSet set = HeldOutSet.create(20, 100);
        set.add(image("t0", 0), 1f);
        // Arrival order crosses the classes: not the label order of entries().
        for (int i = 0; i < 11; i++) {
            set.quarantine(image("q" + i, (2 * i + 1) % 3), 1f);
        }
        set.markRejected();
        set.quarantine(image("fresh", 1), 1f);
        List<HeldOutSet.Entry> suspect = set.suspectInArrivalOrder();
        assertEquals(List.of("q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10"),
                suspect.stream().map(e -> e.image().id()).toList());
        assertEquals(List.of(1, 0, 2), suspect.subList(0, 3).stream().map(e -> e.image().label()).toList());

        List<HeldOutSet.Entry> kept = suspect.subList(4, 11);
        HeldOutSet.Admission admission = set.admit(kept::contains);
        assertEquals(new HeldOutSet.Admission(8, 4), admission, "7 suspect images and the one held out since");
        assertEquals(java.util.Set.of("t0", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "fresh"),
                java.util.Set.copyOf(set.entries().stream().map(e -> e.image().id()).toList()));
        assertEquals(4, set.dropped());
        assertEquals(List.of(), set.suspectInArrivalOrder(), "nothing suspect after an admission");
    }

    @Test
    void theQuarantineStaysWithinTheSameBoundsAndEveryImageIsAccountedFor() {
        Random random = new Random(5);
        HeldOutSet set = HeldOutSet.create(4, 20);
        long received = 0;
        for (int i = 0; i < 5_000; i++) {
            int label = random.nextInt(i < 2_500 ? 6 : 40);
            if (random.nextInt(4) == 0) {
                set.add(image("t" + i, label), 1f);
            } else {
                set.quarantine(image("q" + i, label), 1f);
            }
            received++;
            int roll = random.nextInt(100);
            if (roll < 3) {
                set.markRejected();
            } else if (roll < 5) {
                set.admit();
            }
            assertTrue(set.size() <= 20 && set.quarantined() <= 20, set.toString());
            assertTrue(set.suspect() <= set.quarantined());
            assertEquals(received, set.size() + set.quarantined() + set.evicted() + set.dropped(),
                    "every image is trusted, quarantined, evicted or dropped");
        }
        assertTrue(set.dropped() > 0 && set.evicted() > 0, set.toString());
    }

    @Test
    void aRestoredSetKeepsItsQuarantineAndContinuesTheSame() {
        HeldOutSet original = HeldOutSet.create(5, 20);
        Random random = new Random(13);
        for (int i = 0; i < 100; i++) {
            original.add(image("t" + i, random.nextInt(7)), random.nextFloat());
        }
        for (int i = 0; i < 30; i++) {
            original.quarantine(image("q" + i, random.nextInt(7)), random.nextFloat());
        }
        original.markRejected();
        for (int i = 30; i < 40; i++) {
            original.quarantine(image("q" + i, random.nextInt(7)), random.nextFloat());
        }
        HeldOutSet restored = HeldOutSet.restore(original.snapshot());
        assertArrayEquals(original.snapshot(), restored.snapshot());
        assertEquals(original.toString(), restored.toString());
        assertEquals(original.suspect(), restored.suspect());
        assertEquals(1, restored.rejectionsSinceAdmission());
        assertEquals(original.admit(), restored.admit(), "the same images admitted and dropped");
        assertArrayEquals(original.snapshot(), restored.snapshot(), "same state after the same admission");
    }

    @Test
    void aFormatOneSnapshotWrittenBeforeTheQuarantineIsReadWithAllItsImagesTrusted() throws IOException {
        // The layout the set wrote before the quarantine (format 1): bounds, next sequence, evicted, images.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(1);
            out.writeInt(5);
            out.writeInt(20);
            out.writeLong(9);
            out.writeLong(7);
            out.writeInt(2);
            for (int i = 0; i < 2; i++) {
                LabeledImage im = image("old" + i, i);
                out.writeLong(7 + i);
                out.writeFloat(0.5f);
                out.writeUTF(im.id());
                out.writeInt(im.label());
                out.writeInt(im.width());
                out.writeInt(im.height());
                out.writeInt(im.channels());
                out.write(im.pixels());
            }
        }
        HeldOutSet set = HeldOutSet.restore(bytes.toByteArray());
        assertEquals(List.of("old0", "old1"), set.entries().stream().map(e -> e.image().id()).toList());
        assertEquals(List.of(7L, 8L), set.entries().stream().map(HeldOutSet.Entry::sequence).toList());
        assertEquals(7, set.evicted());
        assertEquals(0, set.quarantined());
        set.quarantine(image("new", 0), 1f);
        assertEquals(9, set.quarantinedEntries().get(0).sequence(), "numbering continues where format 1 stopped");
        assertEquals(new HeldOutSet.Admission(1, 0), set.admit());
    }

    @Test
    void badSettingsAndQualitiesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> HeldOutSet.create(1, 10));
        assertThrows(IllegalArgumentException.class, () -> HeldOutSet.create(10, 9));
        HeldOutSet set = HeldOutSet.create(2, 4);
        assertThrows(IllegalArgumentException.class, () -> set.add(image("a", 0), Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> set.add(image("a", 0), 1.5f));
        assertEquals(0, set.size());
    }
}
