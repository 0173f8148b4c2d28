package io.embedstream.model.data.corruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CorruptionSetTest {

    @Test
    void parsesNoneAllAndListsInKindOrder() {
        assertTrue(CorruptionSet.parse("none").isEmpty());
        assertEquals(5, CorruptionSet.parse("ALL").kinds().size());
        assertEquals(List.of(Corruption.GAMMA, Corruption.PIXELATE), CorruptionSet.parse(" pixelate, Gamma").kinds());
        assertEquals(List.of(Corruption.SALT_PEPPER), CorruptionSet.parse("salt-pepper").kinds());
    }

    @Test
    void badValuesAreRefusedWithASentenceNamingThem() {
        assertMessage("blur", "unknown corruption 'blur'; the kinds are rotate, gamma, salt-pepper, occlusion, pixelate");
        assertMessage("rotate,,gamma", "has an empty entry");
        assertMessage("rotate,ROTATE", "names rotate twice");
        assertMessage(" ", "--corruptions is empty");
        assertMessage("all,blur", "--corruptions 'all,blur' combines all with other entries; all and none stand alone");
    }

    private static void assertMessage(String spec, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CorruptionSet.parse(spec));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
