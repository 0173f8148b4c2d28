package io.embedstream.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.train.TrainerConfig;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The {@code metrics.drift.*} keys: defaults, parsing, and a sentence naming the key for each bad value. */
class DriftSettingsTest {
    private static final TrainerConfig TRAINER = TrainerConfig.builder().build();

    @Test
    void defaultsAndKeys() {
        DriftSettings d = PipelineConfig.fromProperties(new Properties(), TRAINER).metrics().drift();
        assertEquals(new DriftSettings(2048, 500, 2, 32, 0), d);

        Properties p = new Properties();
        p.setProperty("metrics.drift.reference-size", "512");
        p.setProperty("metrics.drift.expected-run-time", "100");
        p.setProperty("metrics.drift.window-steps", "1");
        p.setProperty("metrics.drift.rows-per-step", "16");
        p.setProperty("metrics.drift.rebase-after-windows", "50");
        assertEquals(new DriftSettings(512, 100, 1, 16, 50), PipelineConfig.fromProperties(p, TRAINER).metrics().drift());
        p.setProperty("metrics.version-drift.warmup-versions", "0");
        assertEquals(new DriftSettings(512, 100, 1, 16, 50, 0), PipelineConfig.fromProperties(p, TRAINER).metrics().drift());

        // A small drift sample without drift settings keeps working: rows per step follow it.
        Properties small = new Properties();
        small.setProperty("metrics.drift-sample", "16");
        assertEquals(16, PipelineConfig.fromProperties(small, TRAINER).metrics().drift().rowsPerStep());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        Map<String, String> bad = Map.of(
                "metrics.drift.expected-run-time", "1",
                "metrics.drift.window-steps", "0",
                "metrics.drift.rows-per-step", "1",
                "metrics.drift.reference-size", "5000",
                "metrics.drift.rebase-after-windows", "-1",
                "metrics.version-drift.warmup-versions", "-2");
        bad.forEach((key, value) -> {
            Properties p = new Properties();
            p.setProperty(key, value);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PipelineConfig.fromProperties(p, TRAINER), key + "=" + value);
            assertTrue(e.getMessage().contains(key), e.getMessage());
        });
        Properties small = new Properties();
        small.setProperty("metrics.drift.reference-size", "300");
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                () -> PipelineConfig.fromProperties(small, TRAINER));
        assertTrue(tooSmall.getMessage().contains("6 x window-steps x rows-per-step = 384"), tooSmall.getMessage());

        Properties rows = new Properties();
        rows.setProperty("metrics.drift-sample", "64");
        rows.setProperty("metrics.drift.rows-per-step", "100");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineConfig.fromProperties(rows, TRAINER));
        assertTrue(e.getMessage().contains("metrics.drift.rows-per-step (100) exceeds metrics.drift-sample (64)"),
                e.getMessage());
    }
}
