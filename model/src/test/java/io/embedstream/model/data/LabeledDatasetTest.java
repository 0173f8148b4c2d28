package io.embedstream.model.data;

import io.embedstream.types.LabeledImage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LabeledDatasetTest {

    private static final LabeledDataset DATA = load();

    private static LabeledDataset load() {
        try {
            return DatasetSpec.load("synthetic:200:50");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<String> ids(List<LabeledImage> images) {
        return images.stream().map(LabeledImage::id).collect(Collectors.toSet());
    }

    @Test
    void validationSplitHoldsOutTrainImagesAndNeverUsesTheTestSplit() {
        LabeledDataset split = DATA.validationSplit(40, 13);
        assertEquals(160, split.train().size());
        assertEquals(40, split.test().size());
        Set<String> train = ids(split.train());
        Set<String> validation = ids(split.test());
        assertTrue(validation.stream().noneMatch(train::contains), "held-out images must not be trained on");
        assertTrue(ids(DATA.train()).containsAll(validation), "held-out images come from the train split");
        assertTrue(ids(DATA.test()).stream().noneMatch(id -> validation.contains(id) || train.contains(id)),
                "the test split stays unused");
        assertEquals(DATA.numClasses(), split.numClasses());
        assertEquals(DATA.name() + "/validation", split.name());
    }

    @Test
    void validationSplitIsSeededAndKeepsTheTrainOrder() {
        assertEquals(ids(DATA.validationSplit(40, 13).test()), ids(DATA.validationSplit(40, 13).test()));
        assertNotEquals(ids(DATA.validationSplit(40, 13).test()), ids(DATA.validationSplit(40, 14).test()));
        List<LabeledImage> rest = DATA.validationSplit(40, 13).train();
        List<LabeledImage> expected = DATA.train().stream().filter(rest::contains).toList();
        assertEquals(expected, rest);
    }

    @Test
    void validationSplitOfImpossibleSizeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DATA.validationSplit(0, 1));
        assertThrows(IllegalArgumentException.class, () -> DATA.validationSplit(200, 1));
    }
}
