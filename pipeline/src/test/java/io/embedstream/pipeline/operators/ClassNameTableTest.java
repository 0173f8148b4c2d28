package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.embedstream.pipeline.types.ScoredImage;
import org.junit.jupiter.api.Test;

/** The trainer's index to name table: what it learns from batches, what it publishes, what it checkpoints. */
class ClassNameTableTest {

    @Test
    void learnsTheNamesOfTheBatchesImagesAndPublishesThemByIndex() {
        ClassNameTable table = new ClassNameTable();
        table.learn(new ScoredImage[] {image(2, "caf\u00e9 \u00e9"), image(0, "0"), image(2, "caf\u00e9 \u00e9")});
        table.learn(new ScoredImage[] {image(5, "tabby cat")});
        assertEquals(3, table.size());
        assertArrayEquals(new String[] {"0", null, "caf\u00e9 \u00e9", null, null, "tabby cat", null, null},
                table.toArray(8));
        // An index past the class count (a registry that grew) still gets its entry.
        assertEquals(6, table.toArray(4).length);
    }

    @Test
    void anIntegerLabelledStreamTeachesNothingAndPublishesNoNames() {
        ClassNameTable table = new ClassNameTable();
        table.learn(new ScoredImage[] {image(3, null), image(1, null)});
        assertNull(table.toArray(10));
    }

    @Test
    void theCheckpointedBytesRestoreTheSameTable() {
        ClassNameTable table = new ClassNameTable();
        table.learn(new ScoredImage[] {image(7, "x".repeat(256)), image(1, "\u732b")});
        byte[] bytes = table.toBytes();
        ClassNameTable restored = ClassNameTable.fromBytes(bytes);
        assertArrayEquals(table.toArray(10), restored.toArray(10));
        assertArrayEquals(bytes, restored.toBytes());
        assertThrows(IllegalStateException.class, () -> ClassNameTable.fromBytes(new byte[] {0, 0, 0, 2}));
    }

    private static ScoredImage image(int label, String name) {
        ScoredImage image = new ScoredImage();
        image.label = label;
        image.labelName = name;
        return image;
    }
}
