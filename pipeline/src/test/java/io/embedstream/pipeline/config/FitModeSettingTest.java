package io.embedstream.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.embedstream.model.train.TrainerConfig;
import io.embedstream.types.FitMode;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class FitModeSettingTest {
    private static final TrainerConfig TRAINER = TrainerConfig.builder().build();

    @Test
    void stretchByDefaultCropOnRequestAndABadValueNamesTheKey() {
        assertEquals(FitMode.STRETCH, PipelineConfig.fromProperties(new Properties(), TRAINER).runtime().fitMode());
        Properties crop = new Properties();
        crop.setProperty("runtime.fit-mode", "crop");
        assertEquals(FitMode.CROP, PipelineConfig.fromProperties(crop, TRAINER).runtime().fitMode());
        Properties bad = new Properties();
        bad.setProperty("runtime.fit-mode", "letterbox");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineConfig.fromProperties(bad, TRAINER));
        assertEquals("runtime.fit-mode: unknown fit mode 'letterbox'; expected stretch or crop", e.getMessage());
    }
}
