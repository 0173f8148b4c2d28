package io.embedstream.experiments.cli;

import static io.embedstream.experiments.cli.ExperimentCommandsTest.assertEveryOptionRecorded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.model.testing.DebianPyTorch;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code experiment versus-pytorch} end to end on a tiny synthetic run: both sides train, the same Java evaluator
 * scores both, and, with the same initialisation and batches for a few steps, the two models score alike.
 */
class VersusPytorchCommandTest {
    private static final int TEST_IMAGES = 100;

    @TempDir
    Path dir;

    @Test
    void bothSidesTrainAndTheSameEvaluatorScoresThemAlike() throws Exception {
        Path python = DebianPyTorch.python();
        Path out = dir.resolve("versus");
        String[] args = {"experiment", "versus-pytorch", "--dataset", "synthetic:320:" + TEST_IMAGES, "--batch", "32",
            "--steps", "6", "--epochs", "1", "--init", "he", "--loop-threads", "1", "--python", python.toString(),
            "--python-dir", DebianPyTorch.pythonDir().toString(), "--out", out.toString()};
        assertEquals(0, ExperimentsLauncher.run(args));
        JsonNode root = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals("versus-pytorch", root.get("experiment").asText());
        assertEveryOptionRecorded(root, args);

        JsonNode fit = root.get("summary").get("fit");
        JsonNode loop = root.get("summary").get("pytorch_loop");
        for (JsonNode side : new JsonNode[] {fit, loop}) {
            assertProbability(side.get("clean_precision_at_1").get("mean"), "clean");
            assertProbability(side.get("mean_unseen_precision_at_1").get("mean"), "mean unseen");
            assertProbability(side.get("worst_cell_precision_at_1").get("mean"), "worst cell");
            assertEquals(15, side.get("cells").size(), "5 kinds x 3 levels");
            for (Iterator<Map.Entry<String, JsonNode>> c = side.get("cells").fields(); c.hasNext(); ) {
                Map.Entry<String, JsonNode> cell = c.next();
                assertProbability(cell.getValue().get("mean"), cell.getKey());
            }
            assertTrue(side.get("images_per_second").get("mean").asDouble() > 0, "images/s");
        }
        for (JsonNode run : root.get("runs")) {
            assertEquals(6, run.get("steps").asLong(), run.get("side") + " ran the 6 steps");
        }

        // Each side's own clean P@1 (fit's KnnEvaluator, the loop's kNN in PyTorch) against the shared evaluator's
        // on the same model: the same rule on the same rows, so they agree unless the wrong rows were scored (the
        // loop's come back through files) or the rules differ; a near tie may flip one query.
        for (JsonNode run : root.get("runs")) {
            assertEquals(run.get("own_rule_clean_p_at_1").asDouble(),
                    run.get("evaluation").get("clean_precision_at_1").asDouble(), 1.0 / TEST_IMAGES + 1e-9,
                    run.get("side") + ": its own P@1 and the shared evaluator's");
        }

        // Same initial weights (--init he: the loop's "project", bit for bit), same batches, 6 steps: the networks differ by float
        // round-off only, so their nearest neighbours, clean or corrupted, rarely differ.
        double clean = Math.abs(fit.get("clean_precision_at_1").get("mean").asDouble()
                - loop.get("clean_precision_at_1").get("mean").asDouble());
        double unseen = Math.abs(fit.get("mean_unseen_precision_at_1").get("mean").asDouble()
                - loop.get("mean_unseen_precision_at_1").get("mean").asDouble());
        System.out.printf("fit - loop after 6 steps: clean %.4f, mean unseen %.4f%n", clean, unseen);
        assertTrue(clean <= 0.02, "clean P@1 differs by " + clean);
        assertTrue(unseen <= 0.02, "mean unseen P@1 differs by " + unseen);

        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| fit |") && md.contains("| pytorch loop |") && md.contains("| rotate | 3 |"), md);
        assertTrue(Files.notExists(out.resolve("work")), "the exchanged image sets are deleted");
        assertTrue(Files.exists(out.resolve("loop-seed-42.log")), "the loop's log is kept");
    }

    @Test
    void theStreamSideTrainsTheStreamingJobOnTheSameImagesAndIsScoredByTheSameEvaluator() throws Exception {
        Path python = DebianPyTorch.python();
        Path out = dir.resolve("stream");
        // The stream gets the 384 images the loop trains on in 3 steps of 128, 20% degraded, in the stream's own
        // batches of P x K = 10 x 13 (every class of the 10).
        String[] args = {"experiment", "versus-pytorch", "--dataset", "synthetic:384:" + TEST_IMAGES, "--batch", "128",
            "--epochs", "1", "--sides", "stream,loop", "--corruptions", "gamma", "--init", "he", "--loop-threads", "1",
            // demo stops once a metrics window has been published: a window of 256 fits in the 384 images.
            "--stream-set", "metrics.window-size=256",
            "--python", python.toString(), "--python-dir", DebianPyTorch.pythonDir().toString(),
            "--out", out.toString()};
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, ExperimentsLauncher.run(args));
        } finally {
            System.setOut(saved);
        }
        String log = printed.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("(20% degraded, shuffled order)") && log.contains("he init"),
                "the stream got the degraded share and this command's training options: " + log);
        JsonNode root = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEveryOptionRecorded(root, args);
        JsonNode stream = root.get("summary").get("stream");
        assertProbability(stream.get("clean_precision_at_1").get("mean"), "stream clean");
        assertProbability(stream.get("mean_unseen_precision_at_1").get("mean"), "stream mean unseen");
        assertEquals(3, stream.get("cells").size(), "gamma x 3 levels");
        assertTrue(stream.get("images_per_second").get("mean").asDouble() > 0, "stream images/s");
        assertTrue(stream.get("images_per_second_over_loop").get("mean").asDouble() > 0, "the ratio to the loop");
        assertTrue(root.get("summary").get("fit") == null, "fit was not asked for");
        JsonNode run = root.get("runs").get(0);
        assertEquals("stream", run.get("side").asText());
        // The last published version is the model at the end of the stream: the cadence (100 steps) never comes
        // due in 3 steps, the trainer publishes them once idle, and the scored version holds every step run.
        assertTrue(run.get("steps").asLong() >= 3, "the stream's last version is at step " + run.get("steps"));
        java.util.regex.Matcher scored = java.util.regex.Pattern
                .compile("version [0-9]+ at step ([0-9]+) of the ([0-9]+) steps run").matcher(log);
        assertTrue(scored.find(), log);
        assertEquals(scored.group(2), scored.group(1), "the scored version misses steps: " + scored.group());
        assertEquals(run.get("steps").asText(), scored.group(1));
        assertEquals(run.get("own_rule_clean_p_at_1").asDouble(),
                run.get("evaluation").get("clean_precision_at_1").asDouble(), 1.0 / TEST_IMAGES + 1e-9,
                "the stream model's kNN and the shared evaluator's, on the same rows");
        assertTrue(Files.notExists(out.resolve("stream-seed-42")), "the stream's Kafka log and checkpoints are deleted");
        assertTrue(Files.readString(out.resolve("results.md")).contains("| stream − loop |"));
    }

    @Test
    void withoutTheLoopFitIsScoredAloneAndNoInterpreterIsNeeded() throws Exception {
        Path out = dir.resolve("no-loop");
        // An interpreter and a python folder that do not exist: with the loop they are refused before training
        // (badOptionsFailBeforeTrainingWithASentence), so this passes only if --no-loop never looks for them.
        String[] args = {"experiment", "versus-pytorch", "--dataset", "synthetic:256:" + TEST_IMAGES, "--batch", "64",
            "--epochs", "1", "--sides", "fit", "--no-loop", "--corruptions", "rotate",
            "--python", dir.resolve("no-python").toString(), "--python-dir", dir.resolve("no-python-dir").toString(),
            "--out", out.toString()};
        assertEquals(0, ExperimentsLauncher.run(args));
        JsonNode root = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEveryOptionRecorded(root, args);
        JsonNode summary = root.get("summary");
        assertEquals(List.of("fit"), List.copyOf(iterable(summary.fieldNames())));
        assertProbability(summary.get("fit").get("clean_precision_at_1").get("mean"), "fit clean");
        assertEquals(3, summary.get("fit").get("cells").size(), "rotate x 3 levels");
        assertTrue(summary.get("fit").get("clean_minus_loop") == null, "nothing to compare with");
        assertEquals(1, root.get("runs").size());
        assertEquals(4, root.get("runs").get(0).get("steps").asLong(), "256 / 64 steps");
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("without the reference loop") && md.contains("| fit |")
                && !md.contains("pytorch loop |"), md);
        assertTrue(Files.notExists(out.resolve("loop-seed-42.log")), "the loop did not run");
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void badOptionsFailBeforeTrainingWithASentence() {
        assertRefused("unknown side 'demo' in --sides", "--sides", "demo,loop");
        assertRefused("--sides needs fit or stream besides the loop", "--sides", "loop");
        assertRefused("--no-loop and --sides fit,loop contradict each other", "--no-loop", "--sides", "fit,loop");
        assertRefused("--degraded-share must be in [0, 1]", "--degraded-share", "1.5");
        assertRefused("unknown initialisation 'xavier'; expected he or pytorch", "--init", "xavier");
        assertRefused("unknown --decay-on 'biases'; expected all or matrices", "--decay-on", "biases");
        assertRefused("need --validation >= 0", "--validation", "-1");
        assertRefused("--plain-softmax has no counterpart", "--plain-softmax");
        assertRefused("--seeds >= 1", "--seeds", "0");
        assertRefused("is not an executable file", "--python", dir.resolve("no-python").toString());
        assertRefused("unknown corruption 'rotation'", "--corruptions", "rotation");
    }

    private void assertRefused(String expected, String... options) {
        Path out = dir.resolve("refused");
        String[] args = new String[options.length + 4];
        args[0] = "experiment";
        args[1] = "versus-pytorch";
        System.arraycopy(options, 0, args, 2, options.length);
        args[options.length + 2] = "--out";
        args[options.length + 3] = out.toString();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        long start = System.nanoTime();
        try {
            code = ExperimentsLauncher.run(args);
        } finally {
            System.setErr(saved);
        }
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, String.join(" ", options) + ": " + message);
        assertTrue(message.contains(expected), String.join(" ", options) + ": " + message);
        assertTrue(Files.notExists(out), "nothing written for " + String.join(" ", options));
        // Refused before the dataset is loaded or anything trains.
        assertTrue(System.nanoTime() - start < 20e9, "refusing took " + (System.nanoTime() - start) / 1e9 + " s");
    }

    private static void assertProbability(JsonNode value, String what) {
        assertTrue(value != null && value.isNumber(), what + " is a number: " + value);
        assertTrue(value.asDouble() >= 0 && value.asDouble() <= 1, what + " in [0, 1]: " + value);
    }
}
