package io.embedstream.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.connectors.model.ModelDirectoryReader;
import io.embedstream.connectors.model.PublishedModel;
import io.embedstream.pipeline.PipelineTestSupport;
import io.embedstream.pipeline.PipelineTestSupport.CommandOutput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A demo with fewer images than a metrics window (1,024 by default) closes no window; it used to wait for one until
 * Ctrl-C. It must end by itself once the stream is sent and nothing moves, say why, and exit 0.
 *
 * <p>And a stream that ends before the publishing cadence comes due must still publish what it trained: the trainer
 * publishes the steps since the last version once it has had no batch for {@code publish.when-idle-seconds}. With a
 * cadence of 1,000 steps and none by time, this demo publishes nothing at all without it.
 */
class DemoStopsTest {
    private static final Pattern STEPS = Pattern.compile("trained on [0-9,]+ in ([0-9,]+) steps");

    @TempDir
    Path temp;

    @Test
    void aDemoShorterThanAMetricsWindowEndsByItselfAndPublishesWhatItTrained() {
        Path work = temp.resolve("work");
        CommandOutput run = assertTimeoutPreemptively(Duration.ofMinutes(5), () -> PipelineTestSupport.runCommand(
                "demo", "--dataset", "synthetic", "--images", "300", "--no-eval", "--work-dir", work.toString(),
                "--set", "runtime.checkpoint-interval-ms=2000", "--set", "publish.every-steps=1000",
                "--set", "publish.every-seconds=0", "--set", "publish.when-idle-seconds=2"));
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("demo: every image sent and nothing trained for"), run.out());
        assertTrue(run.out().contains("closed no window"), run.out());
        assertTrue(run.out().contains("done"), run.out());

        Matcher steps = STEPS.matcher(run.out());
        assertTrue(steps.find(), run.out());
        long ran = Long.parseLong(steps.group(1).replace(",", ""));
        assertTrue(ran >= 1, "the stream should train at least a step: " + run.out());
        PublishedModel latest = new ModelDirectoryReader(work.resolve("models")).latest().orElseThrow(
                () -> new AssertionError("no version published after " + ran + " steps with a 1,000-step cadence: "
                        + run.out()));
        assertEquals(ran, latest.manifest().trainingStep(), "the newest version holds every step trained: " + run.out());
    }
}
