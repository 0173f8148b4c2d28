package io.embedstream.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetSpecTest {

    @Test
    void parsesTheAcceptedForms() {
        DatasetSpec plain = DatasetSpec.parse("synthetic");
        assertEquals(DatasetSpec.Kind.SYNTHETIC, plain.kind());
        assertEquals(8000, plain.train());
        assertEquals(2000, plain.test());
        assertEquals(DatasetSpec.DEFAULT_SEED, plain.seed());

        DatasetSpec counts = DatasetSpec.parse("synthetic:300:100");
        assertEquals(300, counts.train());
        assertEquals(100, counts.test());

        assertEquals(99L, DatasetSpec.parse("synthetic:3:1:99").seed());
        assertEquals(7L, DatasetSpec.parse("synthetic:3:1").withSeed(7).seed());
        assertEquals("synthetic-9", assertDoesNotThrowLoad("synthetic:4:2", 9).name());

        DatasetSpec idx = DatasetSpec.parse("idx:/data/mnist");
        assertEquals(DatasetSpec.Kind.IDX, idx.kind());
        assertEquals(Path.of("/data/mnist"), idx.directory());
    }

    private static LabeledDataset assertDoesNotThrowLoad(String spec, long seed) {
        try {
            return DatasetSpec.load(spec, seed);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void unknownOrMalformedSpecsListTheAcceptedForms() {
        for (String bad : new String[] {"mnist", "synthetic:10", "synthetic:a:b", "synthetic:-1:5", "idx:", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetSpec.parse(bad),
                    "spec '" + bad + "'");
            if (!bad.equals("synthetic:-1:5")) {
                assertTrue(e.getMessage().contains("synthetic:TRAIN:TEST") && e.getMessage().contains("idx:DIR"),
                        e.getMessage());
            }
        }
    }

    @Test
    void loadsDisjointSyntheticSplitsDeterministically() throws IOException {
        LabeledDataset a = DatasetSpec.load("synthetic:200:50");
        LabeledDataset b = DatasetSpec.load("synthetic:200:50");
        assertEquals(200, a.train().size());
        assertEquals(50, a.test().size());
        assertEquals(10, a.numClasses());
        assertEquals(28, a.width());
        assertEquals(1, a.channels());
        Set<String> ids = new HashSet<>();
        a.train().forEach(im -> ids.add(im.id()));
        a.test().forEach(im -> assertFalse(ids.contains(im.id()), "test image " + im.id() + " is also in train"));
        assertArrayEquals(a.test().get(7).pixels(), b.test().get(7).pixels());
        LabeledDataset other = DatasetSpec.parse("synthetic:200:50").withSeed(5).load();
        assertFalse(java.util.Arrays.equals(a.train().get(0).pixels(), other.train().get(0).pixels()));
    }

    @Test
    void loadsAnIdxDirectory() throws IOException {
        LabeledDataset d = DatasetSpec.load("idx:" + SharedData.mnist10k());
        assertEquals(8000, d.train().size());
        assertEquals(2000, d.test().size());
    }
}
