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

/** The new-class experiment's mechanics on a small synthetic set; its accuracy ranking is a result, not a test. */
class NewClassCommandTest {
    @TempDir
    Path dir;

    @Test
    void bothInitialisationsContinueFromTheSameStateAndTheNewClassJoinsTheSoftmax() throws Exception {
        Path out = dir.resolve("nc");
        String[] args = {"experiment", "new-class", "--dataset", "synthetic:300:100",
            "--new-class", "1", "--warmup-steps", "3", "--after-steps", "1,3", "--gallery-per-class", "8",
            "--queries-per-class", "5", "--classes-per-batch", "3", "--samples-per-class", "4", "--embedding", "16",
            "--out", out.toString()};
        assertEquals(0, ExperimentsLauncher.run(args));
        JsonNode root = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEveryOptionRecorded(root, args);
        JsonNode imprint = root.get("runs").get("imprint");
        JsonNode xavier = root.get("runs").get("xavier");
        assertEquals(3, imprint.size());
        assertEquals(3, xavier.size());
        assertEquals(imprint.get(0), xavier.get(0), "both start from the one state before the class joined");
        assertEquals(9, imprint.get(0).get("classesInUse").asInt());
        assertEquals(0.0, imprint.get(0).get("newClassCmAccuracy").asDouble());
        for (JsonNode run : new JsonNode[] {imprint, xavier}) {
            assertEquals(10, run.get(1).get("classesInUse").asInt(), "the new class is in the softmax after 1 step");
            assertEquals(1, run.get(1).get("steps").asInt());
            assertEquals(3, run.get(2).get("steps").asInt());
            for (JsonNode point : run) {
                for (String f : new String[] {"newClassP1", "newClassCmAccuracy", "allClassesP1"}) {
                    double p = point.get(f).asDouble();
                    assertTrue(p >= 0 && p <= 1, f + ": " + p);
                }
            }
        }
        assertTrue(Files.size(out.resolve("new_class.png")) > 1000);
        assertTrue(Files.readString(out.resolve("results.md")).contains("imprint: new-class P@1"));
    }
}
