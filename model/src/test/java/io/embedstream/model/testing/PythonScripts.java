package io.embedstream.model.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;

/**
 * Runs the repository's Python code with {@link DebianPyTorch}'s interpreter, {@code python/} as working directory
 * and on PYTHONPATH, so that {@code embedstream_torch} is the checkout's copy and not an installed one.
 */
public final class PythonScripts {
    private PythonScripts() {}

    /** What a run printed (stdout and stderr together) and its exit status. */
    public record Result(int exitCode, String output) {}

    /**
     * Runs the Python unit tests of {@code python/tests/<module>} and fails unless they all pass, none was skipped and
     * at least {@code minimumTests} ran (fewer would mean some were lost or not collected). Prints their report.
     */
    public static void assertUnittestsPass(String module, int minimumTests) throws IOException, InterruptedException {
        Result result = run(600, "-m", "unittest", "discover", "-s", "tests", "-p", module, "-v");
        System.out.println(result.output());
        Assertions.assertEquals(0, result.exitCode(), result.output());
        Matcher ran = Pattern.compile("Ran (\\d+) tests?").matcher(result.output());
        Assertions.assertTrue(ran.find(), result.output());
        Assertions.assertTrue(Integer.parseInt(ran.group(1)) >= minimumTests,
                "only " + ran.group(1) + " Python tests ran in " + module + ", expected " + minimumTests);
        Assertions.assertFalse(result.output().contains("skipped"), "a Python test was skipped:\n" + result.output());
    }

    /** Runs {@code python ARGS...}; fails the test if it does not end within {@code timeoutSeconds}. */
    public static Result run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(DebianPyTorch.python().toString());
        command.addAll(List.of(args));
        // Output goes to a file, not a pipe, so that the timeout below holds even if the child hangs.
        Path log = Files.createTempFile("embedstream-python", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(DebianPyTorch.pythonDir().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PYTHONPATH", DebianPyTorch.pythonDir().toString());
        // Two cores are shared by several builds: one intra-op thread keeps torch from oversubscribing them.
        builder.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        try {
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                Assertions.fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
