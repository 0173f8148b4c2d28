package io.embedstream.experiments.cli;

import static io.embedstream.experiments.chart.PngAssertions.assertPng;
import static io.embedstream.experiments.cli.ExperimentCommandsTest.assertEveryOptionRecorded;
import static io.embedstream.experiments.cli.ExperimentCommandsTest.assertFinite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.model.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code experiment drift} end to end. On the built-in synthetic shapes with a covariate switch to degraded images
 * (fast, no dataset needed): the command writes results.json with every option, the commit, each scenario and
 * seed's alarms before the switch and detection delays, every window's statistic and threshold, results.md and the
 * plots. On the real datasets (mnist10k digits switching to Fashion-MNIST, small windows): the abrupt switch is
 * flagged as DATA_DRIFT within 2 windows, nothing is flagged before the switch, and the label shift raises
 * LABEL_SHIFT and not DATA_DRIFT.
 */
class DriftCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void syntheticCovariateSwitchReportsDelaysAlarmsAndEveryWindow() throws Exception {
        Path out = dir.resolve("synthetic");
        String[] args = {"experiment", "drift", "--dataset", "synthetic:800:200", "--shift-to", "degrade",
            "--batch", "50", "--steps", "12", "--window", "128", "--reference", "512", "--stationary", "6",
            "--after", "5", "--gradual-windows", "3", "--ert", "50", "--seeds", "2", "--out", out.toString()};
        assertEquals(0, ExperimentsLauncher.run(args));
        JsonNode root = JSON.readTree(out.resolve("results.json").toFile());
        assertEquals("drift", root.get("experiment").asText());
        assertEveryOptionRecorded(root, args);
        JsonNode settings = root.get("settings");
        assertTrue(settings.get("commit").asText().matches("[0-9a-f]{40}(-dirty)?|unknown"), settings.get("commit").asText());
        assertEquals(1000, settings.get("dataset_images_used").asInt());
        assertEquals(488, settings.get("stream_pool_images").asInt(), "1,000 images less the 512 of the reference");
        assertEquals(5000, settings.get("covariate_bootstraps").asInt(), "100 x ERT");

        JsonNode runs = root.get("findings").get("runs");
        assertEquals(6, runs.size(), "3 scenarios x 2 seeds");
        for (JsonNode r : runs) {
            String what = r.get("scenario").asText() + " seed " + r.get("seed").asInt();
            assertEquals(6, r.get("switch_window").asInt(), what);
            assertEquals(6, r.get("windows_before_switch").asInt(), what);
            assertEquals(5, r.get("windows_after_switch").asInt(), what);
            for (String kind : List.of("DATA_DRIFT", "LABEL_SHIFT", "CLASS_DRIFT")) {
                assertTrue(r.get("alarms_before_switch").get(kind).isInt(), what + " " + kind);
                assertTrue(r.get("delay_windows").has(kind), what + " " + kind);
                assertTrue(r.get("windows_flagged_after_switch").get(kind).isInt(), what + " " + kind);
            }
            JsonNode delay = r.get("delay_windows").get("DATA_DRIFT");
            if (!r.get("scenario").asText().equals("label_shift")) {
                assertTrue(delay.isInt() && delay.asInt() >= 0 && delay.asInt() < 5,
                        what + ": every image degraded is detected, with its delay: " + r);
                assertFinite(r.get("new_share_at_data_drift_alarm"), what);
            } else {
                assertTrue(r.get("windows_flagged_after_switch").get("LABEL_SHIFT").asInt() > 0, what + ": " + r);
            }
        }
        JsonNode goals = root.get("findings").get("goals");
        assertEquals(2, goals.get("abrupt_data_drift_delay_per_seed").size());
        assertEquals(2, goals.get("gradual_data_drift_delay_per_seed").size());
        assertTrue(goals.has("no_data_drift_alarm_before_switch") && goals.has("label_shift_only_label_shift_raised"));

        JsonNode perSeed = root.get("runs");
        assertEquals(2, perSeed.size());
        for (JsonNode s : perSeed) {
            assertEquals(6, s.get("windows_before_switch").size());
            for (JsonNode w : s.get("windows_before_switch")) {
                assertEquals(-1, w.get("after_switch").asInt());
                assertFinite(w.get("mmd2"), "statistic");
                assertFinite(w.get("threshold"), "threshold");
                assertEquals(0.0, w.get("new_share").asDouble());
            }
            JsonNode gradual = s.get("windows_after_switch").get("gradual");
            assertEquals(5, gradual.size());
            assertEquals(43 / 128.0, gradual.get(0).get("new_share").asDouble(), 1e-12, "(0+1)/3 of 128 images, rounded");
            assertEquals(85 / 128.0, gradual.get(1).get("new_share").asDouble(), 1e-12);
            assertEquals(1.0, gradual.get(2).get("new_share").asDouble(), 1e-12);
            assertEquals(6, gradual.get(0).get("window").asInt());
            assertEquals(1.0, s.get("windows_after_switch").get("abrupt").get(0).get("new_share").asDouble(), 1e-12);
            assertFinite(s.get("train_seconds"), "train seconds");
            assertFinite(s.get("model_precision_at_1"), "P@1");
            assertEquals(3, s.get("covariate_thresholds").size(), "W + 1 thresholds");
        }
        String md = Files.readString(out.resolve("results.md"));
        for (String scenario : List.of("abrupt", "gradual", "label_shift")) {
            assertTrue(md.contains("| " + scenario + " | 1 |") && md.contains("| " + scenario + " | 2 |"), md);
            assertPng(out.resolve("drift_" + scenario + ".png"));
            assertPng(out.resolve("drift_" + scenario + "_zoom.png"));
        }
        assertTrue(md.contains("DATA_DRIFT delay"), md);
    }

    @Test
    void badSettingsAreRefusedWithExitCode2() {
        assertEquals(2, ExperimentsLauncher.run("experiment", "drift", "--scenarios", "abrupt,sideways"));
        assertEquals(2, ExperimentsLauncher.run("experiment", "drift", "--reference", "5000"));
        assertEquals(2, ExperimentsLauncher.run("experiment", "drift", "--dataset", "synthetic:100:20", "--window", "64",
                "--reference", "64", "--shift-to", "degrade:2"));
        assertEquals(2, ExperimentsLauncher.run("experiment", "drift", "--dataset", "synthetic:100:20", "--window", "64",
                "--reference", "100"), "reference plus one window exceed the 120 images");
        assertEquals(2, ExperimentsLauncher.run("experiment", "drift", "--shift-to", "somewhere"));
    }

    /**
     * The figure at test size: a model trained for 20 steps on mnist10k, a stream of 256-image windows of
     * its digits (3,000 of them, 1,024 held out as the reference) that switches to Fashion-MNIST (1,000 test
     * images), ERT 500.
     */
    @Test
    void mnistToFashionIsFlaggedWithinTwoWindowsAndNothingBeforeTheSwitch() throws Exception {
        Path mnist = SharedData.mnist10k();
        Path fashion = SharedData.fashionMnist();
        Path out = dir.resolve("real");
        String[] args = {"experiment", "drift", "--dataset", "idx:" + mnist, "--shift-to", "idx:" + fashion,
            "--steps", "20", "--batch", "32", "--stream-images", "3000", "--shift-images", "1000",
            "--reference", "1024", "--window", "256", "--stationary", "10", "--after", "4", "--gradual-windows", "4",
            "--seeds", "1", "--out", out.toString()};
        assertEquals(0, ExperimentsLauncher.run(args));
        JsonNode root = JSON.readTree(out.resolve("results.json").toFile());
        assertEquals(1000, root.get("settings").get("shift_pool_images").asInt());
        for (JsonNode r : root.get("findings").get("runs")) {
            String what = r.get("scenario").asText() + ": " + r;
            for (String kind : List.of("DATA_DRIFT", "LABEL_SHIFT", "CLASS_DRIFT")) {
                assertEquals(0, r.get("alarms_before_switch").get(kind).asInt(), "no " + kind + " before the switch, " + what);
            }
            JsonNode dataDrift = r.get("delay_windows").get("DATA_DRIFT");
            switch (r.get("scenario").asText()) {
                case "abrupt" -> assertTrue(dataDrift.isInt() && dataDrift.asInt() <= 2, "abrupt delay <= 2 windows, " + what);
                case "gradual" -> assertTrue(dataDrift.isInt(), "the gradual switch is detected, " + what);
                case "label_shift" -> {
                    assertTrue(r.get("windows_flagged_after_switch").get("LABEL_SHIFT").asInt() > 0, "LABEL_SHIFT, " + what);
                    assertEquals(0, r.get("windows_flagged_after_switch").get("DATA_DRIFT").asInt(), "no DATA_DRIFT, " + what);
                }
                default -> throw new AssertionError(what);
            }
        }
        assertNotNull(root.get("runs").get(0).get("windows_after_switch").get("abrupt"));
        assertFalse(Files.readString(out.resolve("results.md")).isBlank());
    }
}
