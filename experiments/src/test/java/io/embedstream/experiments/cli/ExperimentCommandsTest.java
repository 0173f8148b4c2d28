package io.embedstream.experiments.cli;

import static io.embedstream.experiments.chart.PngAssertions.assertPng;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Each experiment command end to end on a tiny synthetic dataset and a few steps: it exits 0 and writes
 * results.json (every configuration, every seed, finite figures), results.md (a row per configuration) and
 * readable PNG plots; its settings hold every option of the command with the value it ran with.
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
        String[] args = args("experiment", "ablation", "--seeds", "2", "--degrade-test", "0.5", "--out", out.toString());
        assertEquals(0, ExperimentsLauncher.run(args));
        List<String> configurations = List.of("softmax", "cm", "cm+ldmat", "cm+ac", "all");
        JsonNode root = JSON.readTree(out.resolve("results.json").toFile());
        assertEveryOptionRecorded(root, args);
        assertEquals(configurations.size(), root.get("settings").get("objectives").size(), "each configuration's objective");
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
    void ablationReportsUnseenCorruptionsPerRunAndOverSeeds() throws Exception {
        Path out = dir.resolve("corrupt");
        assertEquals(0, ExperimentsLauncher.run(args("experiment", "ablation", "--configs", "cm", "--seeds", "2",
                "--corruptions", "occlusion,gamma", "--out", out.toString())));
        JsonNode root = JSON.readTree(out.resolve("results.json").toFile());
        for (JsonNode run : root.get("runs")) {
            JsonNode c = run.get("corruptions");
            assertEquals(60, c.get("queries").asInt(), "the whole clean test split: " + c);
            assertEquals(List.of("gamma", "occlusion"), fieldNames(c.get("precision_at_1")), "kind order");
            double sum = 0;
            for (JsonNode kind : c.get("precision_at_1")) {
                for (JsonNode level : kind) {
                    assertFinite(level, "P@1 of a corruption cell");
                    sum += level.asDouble();
                }
            }
            assertEquals(sum / 6, c.get("mean_precision_at_1").asDouble(), 1e-12);
            assertEquals(run.get("evaluation").get("all").get("precision_at_1").asDouble(),
                    c.get("clean_precision_at_1").asDouble(), 1e-12, "same queries, same gallery, same P@1");
        }
        JsonNode summary = root.get("corruption_summary").get("cm");
        assertEquals(List.of("clean", "mean", "gamma@1", "gamma@2", "gamma@3", "occlusion@1", "occlusion@2",
                "occlusion@3"), fieldNames(summary));
        assertEquals(2, summary.get("mean").get("n").asInt(), "over both seeds");
        assertEquals("occlusion,gamma", root.get("settings").get("options").get("--corruptions").asText());
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("## P@1 under unseen corruptions") && md.contains("gamma, occlusion at levels 1-3,"
                + " corruption seed 1") && md.contains("| cm | 2 |"), md);
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
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
        String[] args = args("experiment", "quality-imbalance", "--seeds", "2", "--out", out.toString());
        assertEquals(0, ExperimentsLauncher.run(args));
        JsonNode root = JSON.readTree(out.resolve("results.json").toFile());
        assertEveryOptionRecorded(root, args);
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
        String[] args = args("experiment", "collapse", "--scenario", "one-class", "--switch-at", "0.5", "--seeds", "1",
                "--out", out.toString());
        assertEquals(0, ExperimentsLauncher.run(args));
        JsonNode root = JSON.readTree(out.resolve("results.json").toFile());
        assertEveryOptionRecorded(root, args);
        assertEquals("one_class", root.get("settings").get("options").get("--scenario").asText());
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

    @Test
    void settingsRecordTheTrainingOptionsItRanWith() throws Exception {
        Path out = dir.resolve("recipe");
        String[] args = args("experiment", "ablation", "--configs", "cm", "--seeds", "1", "--arch", "cm-mnist-3x3",
                "--lr", "0.05", "--weight-decay", "0.001", "--momentum", "0.8", "--clip", "5", "--augment-shift", "1",
                "--embedding", "16", "--cm-margin", "0.3", "--out", out.toString());
        assertEquals(0, ExperimentsLauncher.run(args));
        JsonNode settings = JSON.readTree(out.resolve("results.json").toFile()).get("settings");
        JsonNode options = settings.get("options");
        assertEquals("cm-mnist-3x3", options.get("--arch").asText());
        assertEquals(0.05, options.get("--lr").asDouble(), 1e-6);
        assertEquals(0.001, options.get("--weight-decay").asDouble(), 1e-9);
        assertEquals(0.8, options.get("--momentum").asDouble(), 1e-6);
        assertEquals(5, options.get("--clip").asDouble(), 1e-6);
        assertEquals(1, options.get("--augment-shift").asInt());
        assertEquals(16, options.get("--embedding").asInt());
        assertEquals("sgd", options.get("--optimizer").asText(), "defaults too");
        assertEquals(0.3, settings.get("objectives").get("cm").get("cm.margin").asDouble(), 1e-6);
        assertTrue(settings.get("learning_rate_schedule").asText().contains("rate=0.05"), settings.toString());
        assertEquals(List.of(args), JSON.convertValue(settings.get("args"), List.class), "the arguments as given");
        assertTrue(settings.get("commit").asText().matches("[0-9a-f]{40}(-dirty)?|unknown"), settings.get("commit").asText());
        Instant.parse(settings.get("date").asText());
        assertEveryOptionRecorded(JSON.readTree(out.resolve("results.json").toFile()), args);
    }

    /**
     * Every option of the command that {@code args} run (walked in picocli's model of it, the mixins' options
     * included; help and version aside) is in the settings of results.json, with the value the parse gives it.
     */
    static void assertEveryOptionRecorded(JsonNode root, String... args) {
        CommandLine.ParseResult parsed = new CommandLine(new ExperimentsLauncher()).parseArgs(args);
        while (parsed.hasSubcommand()) {
            parsed = parsed.subcommand();
        }
        JsonNode options = root.get("settings").get("options");
        assertNotNull(options, "settings.options");
        int count = 0;
        for (OptionSpec o : parsed.commandSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            count++;
            String what = o.longestName() + " in " + options;
            JsonNode recorded = options.get(o.longestName());
            assertNotNull(recorded, what);
            Object value = o.getValue();
            if (value == null) {
                assertTrue(recorded.isNull(), what);
            } else if (value instanceof Number n) {
                assertEquals(n.doubleValue(), recorded.asDouble(), Math.abs(n.doubleValue()) * 1e-6, what);
            } else if (value instanceof Boolean b) {
                assertEquals(b, recorded.asBoolean(), what);
            } else if (value instanceof List<?> list) {
                assertEquals(list.size(), recorded.size(), what);
                for (int i = 0; i < list.size(); i++) {
                    assertEquals(String.valueOf(list.get(i)), recorded.get(i).asText(), what);
                }
            } else if (value instanceof Enum<?> e) {
                assertTrue(e.name().equalsIgnoreCase(recorded.asText()), what);
            } else {
                assertEquals(value.toString(), recorded.asText(), what);
            }
        }
        assertEquals(count, options.size(), "only the options: " + options);
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
}
