package io.embedstream.experiments.cli;

import static io.embedstream.experiments.cli.ExperimentCommandsTest.assertEveryOptionRecorded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.experiments.compat.IndexCarryForward;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.FitLoop;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.operators.ModelDirectorySink;
import io.embedstream.pipeline.types.GateDecision;
import io.embedstream.pipeline.types.ModelSnapshot;
import io.embedstream.types.LabeledImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompatCommandTest {
    @TempDir
    Path dir;

    @Test
    void keepsTheVersionsAndScoresTheFirstIndexAgainstEach() throws Exception {
        Path out = dir.resolve("compat");
        Path saved = dir.resolve("embeddings");
        String[] args = {"experiment", "compat", "--dataset", "synthetic:600:200", "--batch", "32", "--steps", "24",
            "--versions", "3", "--fit-images", "150", "--fit-sizes", "50,150", "--index-images", "300",
            "--save-embeddings", saved.toString(), "--out", out.toString()};
        assertEquals(0, ExperimentsLauncher.run(args));
        JsonNode root = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals("compat", root.get("experiment").asText());
        assertEveryOptionRecorded(root, args);
        assertEquals(300, root.get("settings").get("index_images").asInt(), "--index-images of the 450 left by the fit images");
        JsonNode versions = root.get("versions");
        assertEquals(3, versions.size());
        long[] steps = {6, 12, 18}; // 2 epochs of 300 / 32 = 9 full batches end training before --steps 24
        for (int k = 0; k < 3; k++) {
            JsonNode v = versions.get(k);
            assertEquals(steps[k], v.get("step").asLong(), "versions at evenly spaced steps");
            for (String f : new String[] {"old_index_p_at_1", "reembedded_p_at_1"}) {
                double p = v.get(f).asDouble();
                assertTrue(p >= 0 && p <= 1, f + " of version " + k + ": " + p);
            }
            // every standard map: chained at 50 and 150 fit images, direct at 150
            assertEquals(k == 0 ? 0 : 3 * io.embedstream.experiments.compat.MapVariant.standard().size(),
                    v.get("carried").size());
            for (JsonNode c : v.get("carried")) {
                double p = c.get("p_at_1").asDouble();
                assertTrue(p >= 0 && p <= 1, c.toString());
            }
        }
        JsonNode v0 = versions.get(0);
        assertEquals(v0.get("reembedded_p_at_1").asDouble(), v0.get("old_index_p_at_1").asDouble(), 0,
                "the first version is its own index");
        assertEquals(3 * io.embedstream.experiments.compat.MapVariant.standard().size(),
                root.get("recovery_all_versions").size());
        assertTrue(Files.readString(out.resolve("results.md")).contains("(c) re-embedded"));

        // The saved embeddings give the same figures without training.
        Path again = dir.resolve("again");
        assertEquals(0, ExperimentsLauncher.run("experiment", "compat", "--from-embeddings", saved.toString(),
                "--fit-images", "150", "--fit-sizes", "50,150", "--out", again.toString()));
        JsonNode reread = new ObjectMapper().readTree(again.resolve("results.json").toFile());
        assertEquals(versions.toString(), reread.get("versions").toString());
    }

    /**
     * A directory as a job writes it (the model-directory sink): version 1 promoted, 2 rejected, 3 promoted with a
     * published map from 1. The rejected version is left out, and the published map is applied as published: an
     * identity map leaves the old index's figure as it is.
     */
    @Test
    void scoresAJobsPromotedVersionsWithTheMapsItPublished() throws Exception {
        Path models = dir.resolve("models");
        TrainerConfig config = TrainerConfig.builder().network(NetworkConfig.builder().embeddingSize(16).build()).device("cpu").build();
        ModelDirectorySink sink = new ModelDirectorySink(config, models.toUri().toString());
        sink.open(null);
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            List<LabeledImage> train = SyntheticShapes.builder().seed(3).build().generate(300);
            sink.invoke(snapshot(trainer, 1, decision("promote", -1, null)), null);
            new FitLoop(trainer, 30).run(train, null, 1, 4, null);
            sink.invoke(snapshot(trainer, 2, decision("reject", 1, null)), null);
            new FitLoop(trainer, 30).run(train, null, 1, 4, null);
            double[] identity = new double[16 * 16];
            for (int i = 0; i < 16; i++) {
                identity[i * 16 + i] = 1;
            }
            sink.invoke(snapshot(trainer, 3, decision("promote", 1, identity)), null);
        }
        Path out = dir.resolve("published");
        String[] args = {"experiment", "compat", "--from-models", models.toString(), "--dataset", "synthetic:400:100",
            "--fit-images", "100", "--index-images", "200", "--out", out.toString()};
        assertEquals(0, ExperimentsLauncher.run(args));
        JsonNode root = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals("[1,3]", root.get("settings").get("promoted_versions").toString(), "the rejected version 2 left out");
        assertEquals(3, root.get("settings").get("versions_in_directory").asInt());
        JsonNode versions = root.get("versions");
        assertEquals(2, versions.size());
        JsonNode later = versions.get(1);
        JsonNode published = null;
        for (JsonNode c : later.get("carried")) {
            if (c.get("map").asText().equals(IndexCarryForward.PUBLISHED)) {
                published = c;
            }
        }
        assertTrue(published != null, later.toString());
        assertEquals(later.get("old_index_p_at_1").asDouble(), published.get("p_at_1").asDouble(), 1e-12,
                "an identity map carries the old index as it is");
        assertEquals(8, later.get("step").asLong(), "version 3 after 8 steps");
        assertTrue(Files.readString(out.resolve("results.md")).contains("its held-out set"));

        assertEquals(2, ExperimentsLauncher.run("experiment", "compat", "--from-models", models.toString(),
                "--max-versions", "1", "--out", dir.resolve("y").toString()));
        assertEquals(2, ExperimentsLauncher.run("experiment", "compat", "--from-models", dir.resolve("none").toString(),
                "--out", dir.resolve("z").toString()));
    }

    private static GateDecision decision(String kind, long from, double[] map) {
        GateDecision d = new GateDecision();
        d.kind = kind;
        d.reason = kind + " in a test";
        if (map != null) {
            d.compatFrom = from;
            d.compatMethod = "identity in a test";
            d.compatRows = 16;
            d.compatCols = 16;
            d.compatMatrix = map;
        }
        return d;
    }

    private static ModelSnapshot snapshot(EmbeddingTrainer trainer, long version, GateDecision d) {
        ModelSnapshot s = EvalCommandTest.snapshot(trainer, version);
        s.decision = d;
        d.serving = d.promoted() ? version : 1;
        return s;
    }

    @Test
    void aFitSetThatLeavesNoIndexIsRefused() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = ExperimentsLauncher.run("experiment", "compat", "--dataset", "synthetic:100:20", "--fit-images",
                    "100", "--out", dir.resolve("x").toString());
        } finally {
            System.setErr(saved);
        }
        assertEquals(2, code, "bad input");
        String message = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(message.contains("leaves no index"), message);
        assertTrue(Files.notExists(dir.resolve("x").resolve("results.json")));
    }
}
