package io.embedstream.model.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the real datasets the tests use. A user's fresh clone may lack them: a test that needs one is then skipped
 * with a message that says so, unless the variable named below is 1 (CI sets it), and then it fails.
 *
 * <ul>
 *   <li>mnist10k (8,000 train / 2,000 test digits, IDX): {@code ../shared/data/mnist10k} beside the clone, or under
 *       EMBEDSTREAM_SHARED; required when EMBEDSTREAM_REQUIRE_SHARED_DATA=1.</li>
 *   <li>Fashion-MNIST (60,000 / 10,000, gzipped IDX): Debian's package {@code dataset-fashion-mnist} installs it in
 *       {@code /usr/share/datasets/fashion-mnist}; EMBEDSTREAM_FASHION_MNIST names another directory; required when
 *       EMBEDSTREAM_REQUIRE_FASHION_MNIST=1.</li>
 * </ul>
 */
public final class SharedData {
    private static final String FASHION_DEFAULT = "/usr/share/datasets/fashion-mnist";

    private SharedData() {}

    /** The MNIST subset (8,000 train / 2,000 test) in IDX format. */
    public static Path mnist10k() {
        Path dir = locateShared().resolve("data/mnist10k");
        return require(Files.isDirectory(dir), dir, "EMBEDSTREAM_REQUIRE_SHARED_DATA", "shared dataset "
                + dir.toAbsolutePath().normalize()
                + " is absent (it lives beside the clone as ../shared; set EMBEDSTREAM_SHARED to its path)");
    }

    /** Fashion-MNIST in IDX format (gzipped or not), from Debian's package or EMBEDSTREAM_FASHION_MNIST. */
    public static Path fashionMnist() {
        String env = System.getenv("EMBEDSTREAM_FASHION_MNIST");
        Path dir = Path.of(env != null && !env.isBlank() ? env : FASHION_DEFAULT);
        boolean complete = Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz"))
                || Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte"));
        return require(complete, dir, "EMBEDSTREAM_REQUIRE_FASHION_MNIST",
                "Fashion-MNIST is absent from " + dir + " (install Debian's package dataset-fashion-mnist, or set"
                        + " EMBEDSTREAM_FASHION_MNIST to a directory with its IDX files)");
    }

    private static Path require(boolean present, Path dir, String requireVariable, String message) {
        if (present) {
            return dir;
        }
        if ("1".equals(System.getenv(requireVariable))) {
            Assertions.fail(message + "; " + requireVariable + "=1 requires it");
        }
        Assumptions.abort(message + " - test skipped (" + requireVariable + "=1 would fail it)");
        return dir;
    }

    private static Path locateShared() {
        String env = System.getenv("EMBEDSTREAM_SHARED");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        // Tests run with the module as working directory; ../shared is beside the repository root.
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("data"))) {
                return candidate;
            }
        }
        return Path.of("..", "..", "shared");
    }
}
