package io.embedstream.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench-classes} at tiny sizes on the real job: every figure is there and positive for each class count
 * (timings are the bench's business, not a test's).
 */
class ClassScalingBenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void reportsEveryFigureForEachClassCount() throws Exception {
        Path out = dir.resolve("bench");
        Set<Path> workDirsBefore = benchWorkDirs();
        assertEquals(0, ExperimentsLauncher.run("bench-classes", "--classes", "10,50", "--k", "2", "--p", "4",
                "--min-records", "100", "--window", "40", "--side", "8", "--embedding", "16",
                "--checkpoint-interval-ms", "1000", "--device", "cpu",
                "--out", out.toString()));
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        JsonNode options = results.get("settings").get("options");
        assertEquals(16, options.get("--embedding").asInt(), "the training options are recorded: " + options);
        assertEquals(40, options.get("--window").asInt(), "the command's own options are recorded: " + options);
        assertTrue(results.get("settings").has("commit"), "the commit is recorded");
        JsonNode runs = results.get("runs");
        assertEquals(2, runs.size());
        int[] classes = {10, 50};
        int[] perIdentity = {10, 2}; // at least 100 records; K = 2 images per identity at 50 classes
        for (int i = 0; i < 2; i++) {
            JsonNode run = runs.get(i);
            assertEquals(classes[i], run.get("classes").asInt());
            assertEquals(perIdentity[i], run.get("imagesPerIdentity").asInt());
            assertEquals(classes[i] * perIdentity[i], run.get("records").asInt());
            for (String figure : new String[] {"checkpointId", "checkpointBytes", "heapAfterGcBytes",
                "batcherMicrosPerRecord", "stepMillis", "steps"}) {
                assertTrue(run.get(figure).asDouble() > 0, figure + " in " + run);
            }
        }
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| 50 | 100 | 2 |"), md);
        assertTrue(md.contains("growth from 10 to 50 classes"), md);
        assertEquals(workDirsBefore, benchWorkDirs(), "each run's checkpoint directory is deleted after it");
    }

    private static Set<Path> benchWorkDirs() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("embedstream-bench-classes"))
                    .collect(Collectors.toSet());
        }
    }
}
