package io.embedstream.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.embedstream.model.testing.DebianPyTorch;
import io.embedstream.model.testing.PythonScripts;
import io.embedstream.types.LabeledImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first steps of Java's FitLoop and of the PyTorch reference loop, on the same images with the default
 * configuration (cm-mnist, seed 42, the project's initialisation): the same first loss, term by term, then losses
 * that drift apart only as float round-off does (the engines are libtorch 2.7.1 in DJL and Debian's 1.13).
 *
 * <p>The network is embedstream_torch.networks' cm-mnist; until networks.py exists the test is skipped, unless
 * EMBEDSTREAM_NETWORK_FACTORY names another builder ({@code module:function} or {@code file.py:function}).
 */
class FitMatchesReferenceLoopTest {
    private static final int STEPS = 6;
    private static final int BATCH = 32;
    private static final long SEED = 42;

    @TempDir
    Path dir;

    @Test
    void firstStepsOfFitAndTheReferenceLoopAgree() throws Exception {
        DebianPyTorch.python();
        String factory = System.getenv("EMBEDSTREAM_NETWORK_FACTORY");
        Assumptions.assumeTrue(factory != null && !factory.isBlank()
                        || Files.exists(DebianPyTorch.pythonDir().resolve("embedstream_torch/networks.py")),
                "python/embedstream_torch/networks.py is not there yet (or set EMBEDSTREAM_NETWORK_FACTORY)");
        List<LabeledImage> train = RandomImages.batch(256, 10, 28, 1);
        List<LabeledImage> test = RandomImages.batch(40, 10, 28, 2);
        writeIdx(dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), train);
        writeIdx(dir.resolve("test-images-idx3-ubyte"), dir.resolve("test-labels-idx1-ubyte"), test);

        TrainerConfig config = TrainerConfig.builder().device("cpu").seed(SEED)
                .schedule(LearningRateSchedule.parse("cosine:warmup=20", 0.01f, STEPS)).build();
        List<StepResult> java = new ArrayList<>();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            new FitLoop(trainer, BATCH).run(train, null, 5, STEPS, (epoch, inEpoch, perEpoch, r) -> java.add(r));
        }

        Path trace = dir.resolve("trace.json");
        List<String> args = new ArrayList<>(List.of("-m", "embedstream_torch.reference_loop",
                "--dataset", "idx:" + dir, "--steps", Integer.toString(STEPS), "--batch", Integer.toString(BATCH),
                "--seed", Long.toString(SEED), "--trace", trace.toString(), "--out", dir.resolve("loop.json").toString(),
                "--threads", "1"));
        if (factory != null && !factory.isBlank()) {
            args.addAll(List.of("--network-factory", factory));
        }
        PythonScripts.Result run = PythonScripts.run(600, args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.output());
        JsonArray loop = new Gson().fromJson(Files.readString(trace, StandardCharsets.UTF_8), JsonArray.class);
        assertEquals(STEPS, loop.size(), "steps of the reference loop");
        assertEquals(STEPS, java.size(), "steps of FitLoop");

        double first = 0;
        double worst = 0;
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < STEPS; i++) {
            JsonObject p = loop.get(i).getAsJsonObject();
            StepResult j = java.get(i);
            double loss = relative(j.loss(), p.get("loss").getAsDouble());
            double lr = Math.abs(j.learningRate() - p.get("lr").getAsDouble());
            table.append(String.format(Locale.ROOT, "  step %d  fit %.6f  loop %.6f  relative %.2e  lr %.6f/%.6f%n",
                    i + 1, j.loss(), p.get("loss").getAsDouble(), loss, j.learningRate(), p.get("lr").getAsDouble()));
            assertTrue(lr <= Math.ulp(j.learningRate()), "learning rate at step " + (i + 1) + "\n" + table);
            if (i == 0) {
                JsonObject terms = p.getAsJsonObject("components");
                for (Map.Entry<String, Float> term : j.components().entrySet()) {
                    first = Math.max(first, relative(term.getValue(), terms.get(term.getKey()).getAsDouble()));
                }
                first = Math.max(first, loss);
            }
            worst = Math.max(worst, loss);
        }
        System.out.print("fit against the reference loop, first " + STEPS + " steps:\n" + table);
        System.out.printf(Locale.ROOT, "  first step, worst term: %.2e relative; worst step: %.2e%n", first, worst);
        // Same weights, same batch, same objective: only float round-off separates the first losses.
        assertTrue(first <= 1e-5, "the first step differs by " + first + " relative:\n" + table);
        // Afterwards each update amplifies the round-off (about 9e-6 at step 6 when written). Another clipping or
        // momentum rule would show at once; weight decay moves too little in 6 steps to show, and
        // ReferenceLoopMatchesJavaTest checks it instead.
        assertTrue(worst <= 1e-3, "the first " + STEPS + " steps differ by " + worst + " relative:\n" + table);
    }

    private static double relative(double actual, double expected) {
        return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-30);
    }

    /** IDX, as IdxReader reads it: images n x rows x cols of unsigned bytes, labels n unsigned bytes. */
    private static void writeIdx(Path images, Path labels, List<LabeledImage> data) throws IOException {
        LabeledImage first = data.get(0);
        try (OutputStream raw = Files.newOutputStream(images); DataOutputStream out = new DataOutputStream(raw)) {
            out.writeInt(0x00000803);
            out.writeInt(data.size());
            out.writeInt(first.height());
            out.writeInt(first.width());
            for (LabeledImage image : data) {
                out.write(image.pixels());
            }
        }
        try (OutputStream raw = Files.newOutputStream(labels); DataOutputStream out = new DataOutputStream(raw)) {
            out.writeInt(0x00000801);
            out.writeInt(data.size());
            for (LabeledImage image : data) {
                out.writeByte(image.label());
            }
        }
    }
}
