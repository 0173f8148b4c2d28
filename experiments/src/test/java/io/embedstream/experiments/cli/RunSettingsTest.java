package io.embedstream.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The settings of each experiment command hold its options, the mixins' included, with the parsed value (a
 * non-default value of each option set and a default), the arguments as given and the code's git commit. That every
 * option of a command is recorded is checked against picocli's model of the command by
 * {@link ExperimentCommandsTest#assertEveryOptionRecorded} on each command's real output.
 */
class RunSettingsTest {
    /** Non-default values of options of each mixin and of the commands themselves. */
    private static final String[] PASSED = {"--arch", "cm-mnist-3x3", "--lr", "0.05", "--weight-decay", "0.001",
        "--momentum", "0.8", "--clip", "5", "--augment-shift", "1", "--embedding", "32", "--no-contraction",
        "--epochs", "2", "--dataset", "synthetic:100:20", "--out", "some/dir"};

    @TempDir
    Path dir;

    @Test
    void everyExperimentCommandRecordsTheParsedValuesOfItsOptionsAndMixins() {
        CommandLine experiment = new CommandLine(new ExperimentCommand());
        assertEquals(List.of("ablation", "quality-imbalance", "collapse", "drift", "compat", "versus-pytorch",
                "class-incremental", "new-class"), new ArrayList<>(experiment.getSubcommands().keySet()));
        for (Map.Entry<String, CommandLine> sub : experiment.getSubcommands().entrySet()) {
            List<String> args = new ArrayList<>(List.of(sub.getKey()));
            args.addAll(List.of(PASSED));
            // new-class counts steps (--warmup-steps, --steps), not passes over the data.
            boolean passes = sub.getValue().getCommandSpec().findOption("--epochs") != null;
            if (!passes) {
                int at = args.indexOf("--epochs");
                args.subList(at, at + 2).clear();
            }
            CommandLine.ParseResult parsed = experiment.parseArgs(args.toArray(String[]::new)).subcommand();
            CommandSpec spec = parsed.commandSpec();

            Map<String, Object> settings = RunSettings.of(spec);
            @SuppressWarnings("unchecked")
            Map<String, Object> options = (Map<String, Object>) settings.get("options");
            assertEquals("cm-mnist-3x3", options.get("--arch"));
            assertEquals(0.05f, options.get("--lr"));
            assertEquals(0.001f, options.get("--weight-decay"));
            assertEquals(0.8f, options.get("--momentum"));
            assertEquals(5f, options.get("--clip"));
            assertEquals(1, options.get("--augment-shift"));
            assertEquals(32, options.get("--embedding"));
            assertEquals(true, options.get("--no-contraction"));
            assertEquals(false, options.get("--plain-softmax"), "a default is recorded too");
            if (passes) {
                assertEquals(2, options.get("--epochs"));
            }
            assertEquals(Path.of("some/dir").toString(), options.get("--out"));
            assertEquals(args, settings.get("args"), "the arguments as given");
            assertEquals("experiment " + sub.getKey(), settings.get("command"));
            assertTrue(String.valueOf(settings.get("commit")).matches("[0-9a-f]{40}(-dirty)?|unknown"),
                    "commit: " + settings.get("commit"));
            Instant.parse((String) settings.get("date"));
        }
    }

    @Test
    void theCommitIsUnknownOutsideAGitCheckout() {
        assertEquals(RunSettings.UNKNOWN_COMMIT, RunSettings.gitCommit(dir));
        assertEquals(RunSettings.UNKNOWN_COMMIT, RunSettings.gitCommit(dir.resolve("missing")));
    }

    @Test
    void theCommitIsHeadAndDirtyWithChanges() throws Exception {
        assumeTrue(run(dir, "git", "--version") == 0, "git is installed");
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo);
        assertEquals(0, run(repo, "git", "init", "-q"));
        Files.writeString(repo.resolve("a.txt"), "a\n");
        assertEquals(0, run(repo, "git", "add", "a.txt"));
        assertEquals(0, run(repo, "git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false",
                "commit", "-q", "-m", "a"));
        Path head = dir.resolve("head.txt");
        assertEquals(0, new ProcessBuilder("git", "rev-parse", "HEAD").directory(repo.toFile())
                .redirectOutput(head.toFile()).start().waitFor());
        String commit = Files.readString(head).strip();
        assertTrue(commit.matches("[0-9a-f]{40,64}"), commit);

        assertEquals(commit, RunSettings.gitCommit(repo), "clean tree");
        Files.createDirectories(repo.resolve("sub"));
        assertEquals(commit, RunSettings.gitCommit(repo.resolve("sub")), "from a directory inside the checkout");
        Files.writeString(repo.resolve("a.txt"), "b\n");
        assertEquals(commit + "-dirty", RunSettings.gitCommit(repo), "a modified file");
        Files.writeString(repo.resolve("a.txt"), "a\n");
        assertEquals(commit, RunSettings.gitCommit(repo));
        Files.writeString(repo.resolve("new.txt"), "n\n");
        assertEquals(commit + "-dirty", RunSettings.gitCommit(repo), "an untracked file");
        assertFalse(Files.exists(repo.resolve(".git/index.lock")));
    }

    private static int run(Path dir, String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }
}
