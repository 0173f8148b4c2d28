package io.embedstream.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.loss.LdmatLoss;
import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.loss.WeightedLoss;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each ablation configuration switches on exactly its terms and keeps the base's settings for them. */
class ObjectiveVariantsTest {
    @Test
    void eachConfigurationHasItsTerms() {
        ObjectiveConfig base = ObjectiveConfig.builder().ldmat(new LdmatLoss(2f, 0.1f)).build();
        assertEquals(List.of("cm"), names(ObjectiveVariants.of("softmax", base)));
        assertFalse(ObjectiveVariants.of("softmax", base).cm().cosine(), "plain softmax is not cosine");
        assertEquals(List.of("cm"), names(ObjectiveVariants.of("cm", base)));
        assertTrue(ObjectiveVariants.of("cm", base).cm().cosine());
        assertEquals(List.of("cm", "ldmat"), names(ObjectiveVariants.of("cm+ldmat", base)));
        assertEquals(2f, ObjectiveVariants.of("cm+ldmat", base).ldmat().margin());
        assertEquals(List.of("cm", "anticollapse_proxies"), names(ObjectiveVariants.of("cm+ac", base)));
        assertEquals(List.of("cm", "ldmat", "anticollapse_proxies"), names(ObjectiveVariants.of("all", base)));
        assertEquals(ObjectiveVariants.ABLATION, List.copyOf(ObjectiveVariants.of(ObjectiveVariants.ABLATION, base).keySet()));
        assertThrows(IllegalArgumentException.class, () -> ObjectiveVariants.of("cm+x", base));
    }

    private static List<String> names(ObjectiveConfig c) {
        return c.terms().stream().map(WeightedLoss::loss).map(l -> l.name()).toList();
    }
}
