package io.embedstream.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.train.TrainerConfig;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The {@code gate.rebase-after} key: default, parsing, and a sentence naming the key for a bad value. */
class GateRebaseSettingTest {
    private static final TrainerConfig TRAINER = TrainerConfig.builder().build();

    @Test
    void defaultParsedAndBadValueRefused() {
        assertEquals(PromotionConfig.DEFAULT_REBASE_AFTER,
                PipelineConfig.fromProperties(new Properties(), TRAINER).promotion().rebaseAfter());
        assertEquals(10, PromotionConfig.defaults().rebaseAfter());
        Properties p = new Properties();
        p.setProperty("gate.rebase-after", "0");
        assertEquals(0, PipelineConfig.fromProperties(p, TRAINER).promotion().rebaseAfter());
        p.setProperty("gate.rebase-after", "-1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineConfig.fromProperties(p, TRAINER));
        assertTrue(e.getMessage().contains("gate.rebase-after"), e.getMessage());
    }
}
