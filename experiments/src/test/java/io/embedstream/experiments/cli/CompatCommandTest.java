package io.embedstream.experiments.cli;

import static io.embedstream.experiments.cli.ExperimentCommandsTest.assertEveryOptionRecorded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
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
