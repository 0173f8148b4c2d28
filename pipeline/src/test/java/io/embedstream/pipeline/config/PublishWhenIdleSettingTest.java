package io.embedstream.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.train.TrainerConfig;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The {@code publish.when-idle-seconds} key: default, parsing, and a sentence naming the key for a bad value. */
class PublishWhenIdleSettingTest {
    private static final TrainerConfig TRAINER = TrainerConfig.builder().build();

    @Test
    void defaultParsedAndBadValueRefused() {
        assertEquals(10, PipelineConfig.fromProperties(new Properties(), TRAINER).publish().whenIdleSeconds());
        Properties p = new Properties();
        p.setProperty("publish.when-idle-seconds", "0");
        assertEquals(0, PipelineConfig.fromProperties(p, TRAINER).publish().whenIdleSeconds());
        p.setProperty("publish.when-idle-seconds", "-1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineConfig.fromProperties(p, TRAINER));
        assertTrue(e.getMessage().contains("publish.when-idle-seconds"), e.getMessage());
    }
}
