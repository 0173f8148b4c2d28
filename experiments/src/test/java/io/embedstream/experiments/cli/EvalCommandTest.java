package io.embedstream.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.FitLoop;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.operators.ModelDirectorySink;
import io.embedstream.pipeline.types.ModelSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval} on versions written by the pipeline's model-directory sink. */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void evaluatesAPublishedVersionOverallAndPerQualityBucket() throws Exception {
        Path models = dir.resolve("models");
        TrainerConfig config = TrainerConfig.builder().network(NetworkConfig.builder().embeddingSize(32).build())
                .device("cpu").build();
        ModelDirectorySink sink = new ModelDirectorySink(config, models.toUri().toString());
        sink.open(null);
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            sink.invoke(snapshot(trainer, 1), null); // the untrained network
            List<LabeledImage> train = SyntheticShapes.builder().seed(3).build().generate(400);
            new FitLoop(trainer, 40).run(train, null, 1, 6, null);
            sink.invoke(snapshot(trainer, 2), null);
        }
        Path json = dir.resolve("eval.json");
        assertEquals(0, ExperimentsLauncher.run("eval", "--model-dir", models.toString(), "--dataset", "synthetic:300:90",
                "--degrade-test", "0.6", "--json", json.toString()));
        JsonNode root = JSON.readTree(json.toFile());
        assertEquals(2, root.get("version").asInt(), "the highest version by default");
        JsonNode subsets = root.get("subsets");
        assertEquals(List.of("all", "clean", "mild", "strong", "degraded"), names(subsets));
        assertEquals(90, subsets.get("all").get("queries").asInt());
        assertEquals(90, subsets.get("clean").get("queries").asInt() + subsets.get("degraded").get("queries").asInt());
        for (JsonNode s : subsets) {
            for (String f : List.of("precision_at_1", "r_precision", "map_at_r", "centroid_accuracy", "nmi", "effective_rank")) {
                double v = s.get(f).asDouble();
                assertTrue(Double.isFinite(v) && v >= 0, f + " = " + v);
            }
        }

        // --json without a file prints JSON instead of the table; --version picks another version.
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = ExperimentsLauncher.run("eval", "--model-dir", models.toString(), "--version", "1", "--dataset", "synthetic:300:90",
                    "--json");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code);
        JsonNode printed = JSON.readTree(captured.toString(StandardCharsets.UTF_8));
        assertEquals(1, printed.get("version").asInt());
        assertEquals(List.of("all", "clean"), names(printed.get("subsets")), "every test image clean");

        assertEquals(2, ExperimentsLauncher.run("eval", "--model-dir", dir.resolve("absent").toString()));
        assertEquals(2, ExperimentsLauncher.run("eval", "--model-dir", models.toString(), "--version", "7", "--dataset", "synthetic:30:10"));
    }

    @Test
    void reportsPrecisionAt1PerUnseenCorruptionAndLevelOnlyWhenAsked() throws Exception {
        Path models = dir.resolve("models");
        TrainerConfig config = TrainerConfig.builder().network(NetworkConfig.builder()
                        .architecture(io.embedstream.model.net.Architecture.parse("cm-mnist-3x3")).embeddingSize(32).build())
                .device("cpu").build();
        ModelDirectorySink sink = new ModelDirectorySink(config, models.toUri().toString());
        sink.open(null);
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            // 4 epochs of 800 shapes: clean P@1 well above chance, so that a drop under corruption can show.
            List<LabeledImage> train = SyntheticShapes.builder().seed(5).build().generate(800);
            new FitLoop(trainer, 64).run(train, null, 4, 0, null);
            sink.invoke(snapshot(trainer, 1), null);
        }
        Path json = dir.resolve("corrupt.json");
        assertEquals(0, ExperimentsLauncher.run("eval", "--model-dir", models.toString(), "--dataset", "synthetic:800:200:5",
                "--corruptions", "all", "--json", json.toString()));
        JsonNode root = JSON.readTree(json.toFile());
        JsonNode c = root.get("corruptions");
        double clean = c.get("clean_precision_at_1").asDouble();
        assertEquals(root.get("subsets").get("all").get("precision_at_1").asDouble(), clean, 1e-12,
                "the clean figure is eval's P@1 of the same queries against the same gallery");
        assertTrue(clean >= 0.8, "the model did not train: clean P@1 " + clean);
        assertEquals(List.of("rotate", "gamma", "salt-pepper", "occlusion", "pixelate"), names(c.get("precision_at_1")));
        double sum = 0;
        for (JsonNode kind : c.get("precision_at_1")) {
            assertEquals(List.of("1", "2", "3"), names(kind));
            for (JsonNode level : kind) {
                assertTrue(Double.isFinite(level.asDouble()) && level.asDouble() >= 0 && level.asDouble() <= 1, c.toString());
                sum += level.asDouble();
            }
            assertTrue(kind.get("3").asDouble() < clean, "level 3 keeps " + kind.get("3") + " of clean " + clean + ": " + c);
        }
        assertEquals(sum / 15, c.get("mean_precision_at_1").asDouble(), 1e-12);
        assertEquals(200, c.get("queries").asInt());

        Path plain = dir.resolve("plain.json");
        assertEquals(0, ExperimentsLauncher.run("eval", "--model-dir", models.toString(), "--dataset", "synthetic:100:20",
                "--json", plain.toString()));
        assertTrue(JSON.readTree(plain.toFile()).get("corruptions") == null, "no corruptions unless asked");
        PrintStream savedErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, ExperimentsLauncher.run("eval", "--model-dir", models.toString(), "--corruptions", "rotate,blur"));
        } finally {
            System.setErr(savedErr);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown corruption 'blur'; the kinds are rotate, gamma,"
                + " salt-pepper, occlusion, pixelate"), err.toString(StandardCharsets.UTF_8));
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static ModelSnapshot snapshot(EmbeddingTrainer trainer, long version) {
        ModelSnapshot s = new ModelSnapshot();
        s.version = version;
        s.step = trainer.step();
        s.timestampMillis = System.currentTimeMillis();
        s.parameters = trainer.model().parametersToBytes();
        s.classes = trainer.config().classes();
        s.classWeights = trainer.classWeights();
        return s;
    }
}
