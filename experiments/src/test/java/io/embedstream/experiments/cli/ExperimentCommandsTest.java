package io.embedstream.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each experiment command end to end on a tiny synthetic dataset and a few steps: it exits 0 and writes
 * results.json (every configuration, every seed, finite figures), results.md (a row per configuration) and
 * readable PNG plots.
 */
class ExperimentCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TINY = {"--dataset", "synthetic:200:60", "--batch", "20", "--steps", "4",
        "--window-steps", "2", "--probe-size", "30"};

    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void ablationComparesEveryConfigurationOverSeeds() throws Exception {
        Path out = dir.resolve("ablation");
        assertEquals(0, ExperimentsLauncher.run(args("experiment", "ablation", "--seeds", "2", "--degrade-test", "0.5",
                "--out", out.toString())));
        List<String> configurations = List.of("softmax", "cm", "cm+ldmat", "cm+ac", "all");
        JsonNode root = JSON.readTree(out.resolve("results.json").toFile());
        assertEquals(10, root.get("runs").size(), "5 configurations x 2 seeds");
        for (String c : configurations) {
            JsonNode all = root.get("summary").get(c).get("all");
            assertNotNull(all, c + " has a summary");
            for (String figure : List.of("precision_at_1", "r_precision", "map_at_r", "centroid_accuracy", "nmi",
                    "effective_rank")) {
                JsonNode s = all.get(figure);
                assertEquals(2, s.get("n").asInt(), c + " " + figure + " over two seeds");
                assertFinite(s.get("mean"), c + " " + figure);
                assertFinite(s.get("std"), c + " " + figure);
            }
            assertNotNull(root.get("summary").get(c).get("strong"), "quality buckets reported");
        }
        for (JsonNode run : root.get("runs")) {
            assertEquals(2, run.get("windows").size(), "4 steps in windows of 2");
            assertFinite(run.get("windows").get(0).get("probe_effective_rank"), "probe rank");
        }
        String md = Files.readString(out.resolve("results.md"));
        for (String c : configurations) {
            assertTrue(md.contains("| " + c + " | 2 |"), "results.md has a row for " + c + ":\n" + md);
        }
        assertPng(out.resolve("ablation.png"));
        assertPng(out.resolve("effective_rank.png"));
    }

    @Test
    void skippedStepsAreReportedWithTheirReason() throws Exception {
        Path out = dir.resolve("diverged");
        // A learning rate no network survives: after the first update every loss is non-finite.
        assertEquals(0, ExperimentsLauncher.run(args("experiment", "ablation", "--configs", "cm", "--seeds", "1",
                "--lr", "1e30", "--clip", "0", "--out", out.toString())));
        JsonNode run = JSON.readTree(out.resolve("results.json").toFile()).get("runs").get(0);
        assertTrue(run.get("skipped_steps").asInt() > 0, "the guard skipped steps: " + run);
        int reasons = 0;
        for (JsonNode window : run.get("windows")) {
            JsonNode listed = window.get("skip_reasons");
            int skipped = window.get("skipped_steps").asInt();
            assertEquals(skipped, listed == null ? 0 : listed.size(), "one reason per skipped step: " + window);
            for (int i = 0; i < skipped; i++) {
                String reason = listed.get(i).asText();
                assertTrue(reason.matches("step \\d+: non-finite .*\\(.+\\)"),
                        "names the step and what went non-finite: " + reason);
                long step = Long.parseLong(reason.substring(5, reason.indexOf(':')));
                long end = window.get("step").asLong();
                assertTrue(step > end - 2 && step <= end, "step " + step + " lies in its window of 2 ending at " + end);
                reasons++;
            }
        }
        assertEquals(run.get("skipped_steps").asInt(), reasons);
    }

    @Test
    void qualityImbalanceReportsPairedDifferencesOnDegradedImages() throws Exception {
        Path out = dir.resolve("imbalance");
        assertEquals(0, ExperimentsLauncher.run(args("experiment", "quality-imbalance", "--seeds", "2", "--out", out.toString())));
        JsonNode root = JSON.readTree(out.resolve("results.json").toFile());
        assertEquals(4, root.get("runs").size());
        for (String subset : List.of("clean", "mild", "strong", "degraded")) {
            JsonNode d = root.get("findings").get("cm - softmax / " + subset + " / map_at_r");
            assertNotNull(d, "difference on " + subset);
            assertEquals(2, d.get("n").asInt());
            assertFinite(d.get("mean"), subset);
        }
        JsonNode run = root.get("runs").get(0).get("evaluation");
        assertEquals(60, run.get("clean").get("queries").asInt(), "every test image once clean");
        assertEquals(60, run.get("degraded").get("queries").asInt(), "and once degraded");
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| softmax |") && md.contains("| cm |") && md.contains("cm − softmax"), md);
        assertPng(out.resolve("map_at_r_by_quality.png"));
    }

    @Test
    void collapseRecordsTheRankSeriesAndAlarmsWithAndWithoutAntiCollapse() throws Exception {
        Path out = dir.resolve("collapse");
        assertEquals(0, ExperimentsLauncher.run(args("experiment", "collapse", "--scenario", "one-class", "--switch-at", "0.5",
                "--seeds", "1", "--out", out.toString())));
        JsonNode root = JSON.readTree(out.resolve("results.json").toFile());
        assertEquals(2, root.get("runs").size());
        assertEquals(2, root.get("settings").get("switch_step").asInt());
        for (JsonNode f : root.get("findings").get("runs")) {
            assertFinite(f.get("min_probe_rank"), "min rank");
            assertTrue(f.has("first_alarm_window") && f.has("alarm_delay_windows"));
        }
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("without anti-collapse") && md.contains("with anti-collapse (features)"), md);
        assertPng(out.resolve("effective_rank.png"));
        assertEquals(2, ExperimentsLauncher.run("experiment", "collapse", "--switch-at", "1.5"));
        assertEquals(2, ExperimentsLauncher.run("experiment", "ablation", "--configs", "cm,nope"));
    }

    private static String[] args(String... head) {
        String[] all = new String[head.length + TINY.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(TINY, 0, all, head.length, TINY.length);
        return all;
    }

    static void assertFinite(JsonNode v, String what) {
        assertNotNull(v, what + " present");
        assertTrue(v.isNumber() && Double.isFinite(v.asDouble()), what + " is a finite number: " + v);
    }

    static void assertPng(Path file) throws Exception {
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " is a PNG");
        assertTrue(image.getWidth() >= 600 && image.getHeight() >= 400, "readable size");
        int first = image.getRGB(0, 0);
        boolean varied = false;
        for (int y = 0; y < image.getHeight() && !varied; y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                varied |= image.getRGB(x, y) != first;
            }
        }
        assertFalse(!varied, file + " is not blank");
    }
}
