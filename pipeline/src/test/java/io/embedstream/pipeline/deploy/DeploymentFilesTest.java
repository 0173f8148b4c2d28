package io.embedstream.pipeline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The deployment files in {@code docker/}: {@code docker/validate} checks the compose file with
 * {@code docker-compose config}, the Kubernetes manifests, and that the image tags match the versions in pom.xml.
 * Without docker-compose on the machine the test says so and is skipped, unless
 * {@code EMBEDSTREAM_REQUIRE_DOCKER_COMPOSE=1} (set on CI), which makes its absence a failure.
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void composeFileAndManifestsAreValidAndMatchThePinnedVersions() throws Exception {
        boolean required = "1".equals(System.getenv("EMBEDSTREAM_REQUIRE_DOCKER_COMPOSE"));
        if (!onPath("docker-compose")) {
            String message = "docker-compose is not installed (apt-get install -y docker-compose): deployment files"
                    + " not validated";
            if (required) {
                throw new AssertionError(message + ", and EMBEDSTREAM_REQUIRE_DOCKER_COMPOSE=1");
            }
            System.out.println("SKIPPED: " + message);
            Assumptions.abort(message);
        }
        Process validate = new ProcessBuilder(ROOT.resolve("docker/validate").toString())
                .directory(ROOT.toFile()).redirectErrorStream(true).start();
        assertTrue(validate.waitFor(2, TimeUnit.MINUTES), "docker/validate did not finish in 2 minutes");
        String output = new String(validate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, validate.exitValue(), output);
        assertTrue(output.contains("consistent"), output);
    }

    private static boolean onPath(String command) throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
