package io.embedstream.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the {@code kcat} command line tool for interoperability tests. */
public final class Kcat {

    private Kcat() {
    }

    /** Result of one kcat run. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs {@code kcat args...}. Fails (does not skip) when kcat is missing: CI installs it, and a silently skipped
     * interop test would hide a broken wire format.
     */
    public static Result run(List<String> args) throws IOException, InterruptedException {
        requireInstalled();
        List<String> command = new ArrayList<>();
        command.add("kcat");
        command.addAll(args);
        Path out = Files.createTempFile("kcat-out", ".txt");
        Path err = Files.createTempFile("kcat-err", ".txt");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kcat did not finish within 60 s: " + command);
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void requireInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kcat"))) {
                return;
            }
        }
        throw new AssertionError("kcat is not installed (not found on PATH). Install it with "
                + "'apt-get install -y kcat'; CI installs it before running the tests.");
    }
}
