package io.embedstream.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.embedstream.model.train.ClassInit;
import io.embedstream.model.train.TrainerConfig;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code classes.max} and {@code trainer.class-init} (issue 16): defaults, overrides, and one sentence when bad. */
class ClassSettingsTest {
    private static final TrainerConfig TRAINER = TrainerConfig.builder().build();

    private static PipelineConfig read(Map<String, String> settings) {
        Properties p = new Properties();
        p.putAll(settings);
        return PipelineConfig.fromProperties(p, TRAINER);
    }

    private static String refusal(Map<String, String> settings) {
        return assertThrows(IllegalArgumentException.class, () -> read(settings)).getMessage();
    }

    @Test
    void defaultsAndOverrides() {
        TrainerConfig defaults = read(Map.of()).trainer();
        assertEquals(100_000, defaults.maxClasses());
        assertEquals(10, defaults.classes());
        assertEquals(ClassInit.IMPRINT, defaults.classInit());
        TrainerConfig set = read(Map.of("classes.max", "500", "trainer.class-init", "xavier")).trainer();
        assertEquals(500, set.maxClasses());
        assertEquals(ClassInit.XAVIER, set.classInit());
    }

    @Test
    void badValuesFailWithASentence() {
        assertEquals("classes.max must be at least 1, got 0", refusal(Map.of("classes.max", "0")));
        assertEquals("the initial class count (--classes 10) exceeds classes.max (5)",
                refusal(Map.of("classes.max", "5")));
        assertEquals("trainer.class-init: unknown class initialisation 'zero'; expected imprint or xavier",
                refusal(Map.of("trainer.class-init", "zero")));
    }

    @Test
    void namedClassesMayOutnumberTheInitialClassesInABatch() {
        TrainerConfig few = TRAINER.toBuilder().classes(4).build();
        Properties p = new Properties();
        p.setProperty("batcher.classes-per-batch", "8");
        assertEquals("batcher.classes-per-batch (8) exceeds the number of classes (4)",
                assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromProperties(p, few)).getMessage());
        p.setProperty("classes.names", "true");
        assertEquals(8, PipelineConfig.fromProperties(p, few).batcher().classesPerBatch());
    }
}
