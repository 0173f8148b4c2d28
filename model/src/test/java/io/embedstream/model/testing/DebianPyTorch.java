package io.embedstream.model.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code python3-torch}, the real PyTorch that published models and the reference training loop are checked
 * against, and the repository's {@code python/} folder that those tests run. A user's machine may lack it: a test
 * that needs it is then skipped with a message that says so, unless EMBEDSTREAM_REQUIRE_PYTORCH=1 (CI sets it), and
 * then it fails.
 *
 * <p>The interpreter is {@code /usr/bin/python3}, Debian's, not whatever {@code python3} comes first on the PATH
 * (a pyenv or virtualenv shim would find another PyTorch, or none); EMBEDSTREAM_PYTHON names another one.
 */
public final class DebianPyTorch {
    private static final String REQUIRE = "EMBEDSTREAM_REQUIRE_PYTORCH";
    private static volatile String problem;
    private static volatile boolean checked;

    private DebianPyTorch() {}

    /** The Python interpreter that imports torch and numpy. */
    public static Path python() {
        Path python = interpreter();
        if (!checked) {
            problem = probe(python);
            checked = true;
        }
        if (problem != null) {
            String message = "PyTorch is not usable from " + python + ": " + problem
                    + " (install Debian's python3-torch, or set EMBEDSTREAM_PYTHON)";
            if ("1".equals(System.getenv(REQUIRE))) {
                Assertions.fail(message + "; " + REQUIRE + "=1 requires it");
            }
            Assumptions.abort(message + " - test skipped (" + REQUIRE + "=1 would fail it)");
        }
        return python;
    }

    /** The repository's {@code python/} folder (tests run with their module as working directory). */
    public static Path pythonDir() {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("python/embedstream_torch"))) {
                return dir.resolve("python");
            }
        }
        throw new IllegalStateException("no python/embedstream_torch above " + Path.of("").toAbsolutePath());
    }

    private static Path interpreter() {
        String env = System.getenv("EMBEDSTREAM_PYTHON");
        return Path.of(env != null && !env.isBlank() ? env : "/usr/bin/python3");
    }

    private static String probe(Path python) {
        if (!Files.isExecutable(python)) {
            return "no such executable";
        }
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import torch, numpy; print(torch.__version__)")
                    .redirectErrorStream(true).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "'import torch' took over 120 s";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? null : out;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
