package io.embedstream.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.types.LabeledImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticIdentitiesTest {
    @Test
    void everyIdentityHasItsImagesAndAWindowKeepsThemClose() {
        SyntheticIdentities identities = new SyntheticIdentities(16, 7);
        List<LabeledImage> stream = identities.stream(50, 4, 20);
        assertEquals(200, stream.size());
        Map<Integer, int[]> span = new HashMap<>();
        for (int i = 0; i < stream.size(); i++) {
            int[] s = span.computeIfAbsent(stream.get(i).label(), l -> new int[] {Integer.MAX_VALUE, -1, 0});
            s[0] = Math.min(s[0], i);
            s[1] = Math.max(s[1], i);
            s[2]++;
        }
        assertEquals(50, span.size());
        for (int[] s : span.values()) {
            assertEquals(4, s[2]);
            // Identity after identity, shuffled within blocks of 20: an identity's 4 images straddle at most two blocks.
            assertTrue(s[1] - s[0] < 40, "images of one identity " + (s[1] - s[0]) + " records apart");
        }
        assertEquals("id-000042", SyntheticIdentities.name(42));
    }

    @Test
    void imagesOfAnIdentityAreCloserThanImagesOfTwo() {
        List<LabeledImage> stream = new SyntheticIdentities(16, 7).stream(2, 2, 0);
        Map<Integer, List<LabeledImage>> byIdentity = new HashMap<>();
        for (LabeledImage image : stream) {
            byIdentity.computeIfAbsent(image.label(), l -> new java.util.ArrayList<>()).add(image);
        }
        double same = distance(byIdentity.get(0).get(0), byIdentity.get(0).get(1));
        double other = distance(byIdentity.get(0).get(0), byIdentity.get(1).get(0));
        assertTrue(same < other, "same identity " + same + ", different " + other);
    }

    private static double distance(LabeledImage a, LabeledImage b) {
        double sum = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            double d = (a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF);
            sum += d * d;
        }
        return Math.sqrt(sum);
    }
}
