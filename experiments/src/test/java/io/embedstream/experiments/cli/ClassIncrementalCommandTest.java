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

class ClassIncrementalCommandTest {
    @TempDir
    Path dir;

    @Test
    void replayBringsEarlierClassesIntoLaterPhasesAndItsAbsenceDoesNot() throws Exception {
        Path out = dir.resolve("ci");
        String[] args = {"experiment", "class-incremental", "--dataset", "synthetic:600:200", "--phases", "5",
            "--images-per-class", "24", "--gallery-per-class", "10", "--classes-per-batch", "4",
            "--samples-per-class", "8", "--out", out.toString()};
        assertEquals(0, ExperimentsLauncher.run(args));
        JsonNode root = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEveryOptionRecorded(root, args);
        JsonNode replay = root.get("runs").get("replay");
        JsonNode none = root.get("runs").get("no replay");
        assertEquals(5, replay.size());
        assertEquals(5, none.size());
        for (int phase = 0; phase < 5; phase++) {
            assertEquals(2 * (phase + 1), replay.get(phase).get("classesSeen").asInt());
        }
        // Each phase streams two new classes only (fewer than P = 4): earlier classes reach its batches through the
        // reservoir alone, and the counts only grow.
        for (int phase = 1; phase < 5; phase++) {
            assertTrue(replay.get(phase).get("batchesWithOldClasses").asLong()
                    > replay.get(phase - 1).get("batchesWithOldClasses").asLong(), replay.toString());
            assertEquals(0, none.get(phase).get("batchesWithOldClasses").asLong(), none.toString());
            assertEquals(0, none.get(phase).get("replayedImages").asLong(), none.toString());
        }
        for (JsonNode run : new JsonNode[] {replay, none}) {
            for (JsonNode phase : run) {
                for (String f : new String[] {"allSeen", "firstPhase"}) {
                    double p = phase.get(f).asDouble();
                    assertTrue(p >= 0 && p <= 1, f + ": " + p);
                }
                assertTrue(phase.get("steps").asLong() > 0);
            }
        }
        assertTrue(Files.size(out.resolve("class_incremental.png")) > 1000);
        assertTrue(Files.readString(out.resolve("results.md")).contains("no replay: P@1 first phase"));
    }
}
