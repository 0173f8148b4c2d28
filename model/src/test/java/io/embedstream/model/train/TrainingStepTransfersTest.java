package io.embedstream.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.net.HostTransfers;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.types.LabeledImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A training step reads from the device once for its figures, plus once per anti-collapse term (the host's
 * logdet), and the code on the step's path reads nothing behind {@link HostTransfers}'s back.
 */
class TrainingStepTransfersTest {
    private static final Path MAIN = Path.of("src/main/java/io/embedstream/model");
    /** DJL's calls that copy an array to the host. */
    private static final Pattern READ = Pattern.compile(
            "\\.(toFloatArray|toArray|toByteBuffer|toLongArray|toIntArray|toDoubleArray|toBooleanArray|toUint8Array"
                    + "|getFloat|getLong|getInt|getDouble|getBoolean|getUint8|getInt8|item)\\(");

    private static long readsPerStep(ObjectiveConfig objective) {
        List<LabeledImage> images = RandomImages.batch(24, 6, 28, 5);
        TrainerConfig config = TrainerConfig.builder().classes(6)
                .network(NetworkConfig.builder().embeddingSize(16).build())
                .objective(objective).gradientClipNorm(0.5f).device("cpu").seed(3).build();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            trainer.step(TrainingBatch.of(images));
            long before = HostTransfers.reads();
            StepResult result = trainer.step(TrainingBatch.of(images));
            long reads = HostTransfers.reads() - before;
            assertTrue(result.applied(), result.skipReason());
            assertEquals(24 * 16, result.embeddings().length);
            assertEquals(objective.terms().size(), result.components().size());
            return reads;
        }
    }

    @Test
    void oneReadForTheFiguresAndOnePerAntiCollapseTerm() {
        assertEquals(1, readsPerStep(ObjectiveConfig.plainSoftmax()), "plain softmax");
        assertEquals(1, readsPerStep(ObjectiveConfig.builder().antiCollapseProxiesWeight(0).build()), "CM + LDMAT");
        assertEquals(2, readsPerStep(ObjectiveConfig.defaults()), "CM + LDMAT + anti-collapse on proxies");
        assertEquals(3, readsPerStep(ObjectiveConfig.builder().antiCollapseFeaturesWeight(1).build()),
                "both anti-collapse terms");
    }

    /** A read written straight into the step's code would escape the count; this finds one. */
    @Test
    void theStepsCodeReadsOnlyThroughHostTransfers() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> loss = Files.list(MAIN.resolve("loss"))) {
            loss.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
        }
        for (String name : List.of("net/PReLU.java", "net/EmbeddingNetworks.java", "train/EmbeddingTrainer.java",
                "train/AdamW.java", "train/SgdMomentum.java", "train/RandomShift.java")) {
            files.add(MAIN.resolve(name));
        }
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = READ.matcher(lines.get(i));
                if (m.find() && !lines.get(i).trim().startsWith("*") && !lines.get(i).trim().startsWith("//")) {
                    found.add(file.getFileName() + ":" + (i + 1) + ": " + lines.get(i).trim());
                }
            }
        }
        assertTrue(files.size() > 8, "the step's sources were not found under " + MAIN.toAbsolutePath());
        assertEquals(List.of(), found, "reads from the device outside HostTransfers");
    }
}
