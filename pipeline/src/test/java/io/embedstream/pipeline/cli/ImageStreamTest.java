package io.embedstream.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The demo's and produce's stream: every image once per pass, a fresh order per pass unless the stored one is asked. */
class ImageStreamTest {
    private static final int SIZE = 50;

    private static List<LabeledImage> source() {
        List<LabeledImage> images = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            images.add(new LabeledImage("img" + i, i % 5, 4, 4, 1, new byte[16]));
        }
        return images;
    }

    /** The source ids of a whole stream, pass after pass ("img7-123" -> "img7"). */
    private static List<String> ids(ImageStream stream) {
        List<String> ids = new ArrayList<>();
        while (stream.hasNext()) {
            String id = stream.next().id();
            ids.add(id.substring(0, id.lastIndexOf('-')));
        }
        return ids;
    }

    @Test
    void aShuffledStreamSendsEveryImageOncePerPassInAFreshOrder() {
        List<String> ids = ids(new ImageStream(source(), 3L * SIZE, 0.0, 42, StreamOrder.SHUFFLED));
        assertEquals(3 * SIZE, ids.size());
        List<List<String>> passes = List.of(ids.subList(0, SIZE), ids.subList(SIZE, 2 * SIZE), ids.subList(2 * SIZE, 3 * SIZE));
        Set<String> all = new HashSet<>();
        source().forEach(image -> all.add(image.id()));
        for (List<String> pass : passes) {
            assertEquals(all, new HashSet<>(pass), "each pass holds every image once");
        }
        assertNotEquals(passes.get(0), passes.get(1), "the second pass is not the first one again");
        assertNotEquals(passes.get(1), passes.get(2));
        List<String> stored = source().stream().map(LabeledImage::id).toList();
        assertNotEquals(stored, passes.get(0), "the first pass is shuffled too");
        assertEquals(ids, ids(new ImageStream(source(), 3L * SIZE, 0.0, 42, StreamOrder.SHUFFLED)),
                "the same seed gives the same stream");
        assertNotEquals(ids, ids(new ImageStream(source(), 3L * SIZE, 0.0, 43, StreamOrder.SHUFFLED)));
    }

    @Test
    void theStoredOrderRepeatsTheDatasetPassAfterPass() {
        List<String> ids = ids(new ImageStream(source(), 2L * SIZE + 7, 0.0, 42, StreamOrder.STORED));
        List<String> stored = source().stream().map(LabeledImage::id).toList();
        assertEquals(stored, ids.subList(0, SIZE));
        assertEquals(stored, ids.subList(SIZE, 2 * SIZE));
        assertEquals(stored.subList(0, 7), ids.subList(2 * SIZE, 2 * SIZE + 7));
    }

    @Test
    void idsStayUniqueOverTheWholeStream() {
        ImageStream stream = new ImageStream(source(), 4L * SIZE, 0.2, 42, StreamOrder.SHUFFLED);
        Set<String> seen = new HashSet<>();
        while (stream.hasNext()) {
            assertTrue(seen.add(stream.next().id()));
        }
    }

    @Test
    void anUnknownOrderIsRefusedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamOrder.parse("--order", "random"));
        assertTrue(e.getMessage().contains("'random'") && e.getMessage().contains("shuffled or stored"), e.getMessage());
        assertEquals(StreamOrder.STORED, StreamOrder.parse("--order", "stored"));
    }
}
