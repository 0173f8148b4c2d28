package io.embedstream.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.pipeline.PipelineTestSupport;
import io.embedstream.pipeline.PipelineTestSupport.CommandOutput;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A demo with fewer images than a metrics window (1,024 by default) closes no window; it used to wait for one until
 * Ctrl-C. It must end by itself once the stream is sent and nothing moves, say why, and exit 0.
 */
class DemoStopsTest {
    @TempDir
    Path temp;

    @Test
    void aDemoShorterThanAMetricsWindowEndsByItself() {
        CommandOutput run = assertTimeoutPreemptively(Duration.ofMinutes(5), () -> PipelineTestSupport.runCommand(
                "demo", "--dataset", "synthetic", "--images", "300", "--no-eval",
                "--work-dir", temp.resolve("work").toString(), "--set", "runtime.checkpoint-interval-ms=2000"));
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("demo: every image sent and nothing trained for"), run.out());
        assertTrue(run.out().contains("closed no window"), run.out());
        assertTrue(run.out().contains("done"), run.out());
    }
}
