package io.embedstream.model.data.photo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.data.DatasetSpec;
import io.embedstream.model.data.LabeledDataset;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PhotoSpecTest {

    @Test
    void defaultsAndOptions() {
        PhotoSpec d = DatasetSpec.parse("photos").photos();
        assertEquals(new PhotoSpec(120, 64, 64, 6000, 1200, 42), d);
        assertEquals(new PhotoSpec(150, 96, 64, 7500, 1500, 42),
                DatasetSpec.parse("photos:classes=150,size=96x64").photos());
        assertEquals(new PhotoSpec(120, 28, 28, 10, 5, 9), PhotoSpec.parse("size=28, train=10, test=5, seed=9"));
        DatasetSpec spec = DatasetSpec.parse("photos:train=4,test=2");
        assertEquals(DatasetSpec.Kind.PHOTOS, spec.kind());
        assertEquals(4, spec.train());
        assertEquals(5L, spec.withSeed(5).photos().seed());
    }

    @Test
    void badOptionsFailWithASentenceNamingThem() {
        assertMessage("photos:colour=red", "unknown photos option 'colour'");
        assertMessage("photos:classes=1", "photo classes must be in [2, 360]");
        assertMessage("photos:classes=400", "photo classes must be in [2, 360]");
        assertMessage("photos:size=8", "photo image size must be in [16, 1024]");
        assertMessage("photos:size=64x", "photos option size=64x is not N or WxH");
        assertMessage("photos:train=many", "photos option train=many is not an integer");
        assertMessage("photos:train=-3", "photos option train=-3 is out of range");
        assertMessage("photos:train=0,test=0", "not both 0");
        assertMessage("photos:size=64,size=32", "photos option 'size' is given twice");
        assertMessage("photos:size", "photos option 'size' is not key=value");
    }

    @Test
    void loadsDisjointSplitsOfTheConfiguredShape() throws IOException {
        LabeledDataset data = DatasetSpec.load("photos:classes=100,size=48x40,train=200,test=100,seed=3");
        assertEquals("photos-100c-48x40-3", data.name());
        assertEquals(100, data.numClasses());
        assertEquals(200, data.train().size());
        assertEquals(100, data.test().size());
        assertEquals(48, data.width());
        assertEquals(40, data.height());
        assertEquals(3, data.channels());
        Set<String> ids = new HashSet<>();
        data.train().forEach(im -> ids.add(im.id()));
        data.test().forEach(im -> assertTrue(!ids.contains(im.id()), im.id() + " is in both splits"));
        assertEquals("photos-3-200", data.test().get(0).id());
    }

    private static void assertMessage(String spec, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetSpec.parse(spec), spec);
        assertTrue(e.getMessage().contains(expected), "'" + spec + "': " + e.getMessage());
    }
}
