package io.embedstream.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.embedstream.model.train.TrainerConfig;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The metrics operator's device is its own setting, independent of the trainer's, and checked at start. */
class MetricsDeviceSettingTest {
    private static final TrainerConfig TRAINER = TrainerConfig.builder().device("auto").build();

    private static MetricsSettings metrics(String device) {
        Properties p = new Properties();
        if (device != null) {
            p.setProperty("metrics.device", device);
        }
        return PipelineConfig.fromProperties(p, TRAINER).metrics();
    }

    @Test
    void cpuByDefaultWhateverTheTrainerUses() {
        assertEquals("cpu", metrics(null).device());
        assertEquals("auto", TRAINER.device());
    }

    @Test
    void takesEveryDeviceName() {
        assertEquals("gpu", metrics("gpu").device());
        assertEquals("gpu:1", metrics("gpu:1").device());
        assertEquals("auto", metrics("auto").device());
        assertEquals("cpu", MetricsSettings.defaults().withDevice("gpu:0").withDevice("cpu").device());
    }

    @Test
    void anUnknownDeviceFailsAtStartNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> metrics("cuda"));
        assertEquals("metrics.device is 'cuda', not a device; expected auto, cpu, gpu or gpu:N", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> metrics("gpu:x"));
    }
}
