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
        String[] args = {"experiment", "class-incremental", "--dataset", "synthetic:600:200", "--phases", "2",
            "--images-per-class", "32", "--gallery-per-class", "10", "--classes-per-batch", "4",
            "--samples-per-class", "8", "--out", out.toString()};
        assertEquals(0, ExperimentsLauncher.run(args));
        JsonNode root = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEveryOptionRecorded(root, args);
        JsonNode replay = root.get("runs").get("replay");
        JsonNode none = root.get("runs").get("no replay");
        assertEquals(2, replay.size());
        assertEquals(2, none.size());
        assertEquals(5, replay.get(0).get("classesSeen").asInt());
        assertEquals(10, replay.get(1).get("classesSeen").asInt());
        // Phase 2 streams only classes 5-9: earlier classes reach its batches through the reservoir alone.
        assertTrue(replay.get(1).get("batchesWithOldClasses").asLong() > 0, replay.toString());
        assertTrue(replay.get(1).get("replayedImages").asLong() > 0, replay.toString());
        assertEquals(0, none.get(1).get("batchesWithOldClasses").asLong(), none.toString());
        assertEquals(0, none.get(1).get("replayedImages").asLong(), none.toString());
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
