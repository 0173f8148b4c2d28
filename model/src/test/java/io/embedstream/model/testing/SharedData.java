package io.embedstream.model.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the real datasets in {@code ../shared/data} (beside the clone, as on CI). A user's fresh clone
 * does not have them: tests that need them are then skipped with a message that says so. CI sets
 * EMBEDSTREAM_REQUIRE_SHARED_DATA=1 so that a missing folder fails the build instead of silently skipping.
 */
public final class SharedData {
    private SharedData() {}

    /** The MNIST subset (8,000 train / 2,000 test) in IDX format. */
    public static Path mnist10k() {
        return require("data/mnist10k");
    }

    private static Path require(String relative) {
        Path dir = locateShared().resolve(relative);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        String message = "shared dataset " + dir.toAbsolutePath().normalize()
                + " is absent (it lives beside the clone as ../shared; set EMBEDSTREAM_SHARED to its path)";
        if ("1".equals(System.getenv("EMBEDSTREAM_REQUIRE_SHARED_DATA"))) {
            Assertions.fail(message);
        }
        Assumptions.abort(message + " - test skipped");
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
