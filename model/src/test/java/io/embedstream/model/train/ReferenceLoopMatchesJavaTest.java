package io.embedstream.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.embedstream.model.net.NamedArray;
import io.embedstream.model.random.Rng;
import io.embedstream.model.testing.PythonScripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch reference loop (python/embedstream_torch/reference_loop.py) applies the recipe as the Java trainer
 * does: the same learning rate at every step of the fit schedules, the same generator (so the same shuffles), the
 * same initial weights of the default network and class weights under the "project" initialisation, and the same
 * SGD and AdamW updates with clipping factor and weight decay. Java writes the inputs, python/tests/java_parity.py
 * answers with the loop's code, Java compares.
 */
class ReferenceLoopMatchesJavaTest {
    private static final Gson GSON = new Gson();

    @TempDir
    Path dir;

    /** The schedules `fit` builds: its default (390 steps = 5 epochs of mnist10k at batch 128) and the others. */
    private static final List<Object[]> SCHEDULES = List.of(
            new Object[] {"cosine:warmup=20", 0.01f, 390L},
            new Object[] {"cosine:warmup=5,min=0.0005", 0.002f, 312L},
            new Object[] {"cosine", 0.01f, 50L},
            new Object[] {"step:every=7,gamma=0.5", 0.01f, 100L},
            new Object[] {"constant", 0.01f, 100L});

    @Test
    void scheduleGeneratorInitialisationAndOptimisersMatch() throws Exception {
        JsonObject request = new JsonObject();
        JsonArray schedules = new JsonArray();
        List<float[]> javaRates = new ArrayList<>();
        for (Object[] s : SCHEDULES) {
            long total = (Long) s[2];
            long[] steps = LongStream.rangeClosed(0, total + 10).toArray();
            LearningRateSchedule schedule = LearningRateSchedule.parse((String) s[0], (Float) s[1], total);
            float[] rates = new float[steps.length];
            for (int i = 0; i < steps.length; i++) {
                rates[i] = schedule.at(steps[i]);
            }
            javaRates.add(rates);
            JsonObject r = new JsonObject();
            r.addProperty("spec", (String) s[0]);
            r.addProperty("rate", (Float) s[1]);
            r.addProperty("total", total);
            r.add("steps", GSON.toJsonTree(steps));
            schedules.add(r);
        }
        request.add("schedules", schedules);

        long seed = 42;
        JsonObject rng = new JsonObject();
        rng.addProperty("seed", seed);
        rng.addProperty("longs", 8);
        rng.addProperty("permutation", 10_000);
        request.add("rng", rng);

        TrainerConfig config = TrainerConfig.builder().device("cpu").seed(seed).build();
        List<NamedArray> javaParameters;
        List<float[]> javaValues = new ArrayList<>();
        float[] javaClassWeights;
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            javaParameters = trainer.model().allParameters();
            JsonArray parameters = new JsonArray();
            for (NamedArray p : javaParameters) {
                JsonObject o = new JsonObject();
                o.addProperty("name", p.name());
                o.add("shape", GSON.toJsonTree(p.array().getShape().getShape()));
                parameters.add(o);
                javaValues.add(p.array().toFloatArray());
            }
            javaClassWeights = trainer.classWeights();
            JsonObject init = new JsonObject();
            init.addProperty("seed", seed);
            init.addProperty("classes", config.classes());
            init.addProperty("dim", config.network().embeddingSize());
            init.add("parameters", parameters);
            request.add("initialisation", init);
        }

        List<List<float[]>> javaUpdated = new ArrayList<>();
        JsonArray optimisers = new JsonArray();
        for (OptimizerConfig optimizer : List.of(OptimizerConfig.defaults(), OptimizerConfig.adamw(0.05f))) {
            Rng values = new Rng(7);
            List<float[]> initial = List.of(gaussian(values, 12), gaussian(values, 5));
            float[] lrs = {0.01f, 0.005f, 0.0025f};
            float[] scales = {1f, 0.3f, 1f};
            List<List<float[]>> gradients = new ArrayList<>();
            for (int step = 0; step < lrs.length; step++) {
                gradients.add(List.of(gaussian(values, 12), gaussian(values, 5)));
            }
            javaUpdated.add(updateInJava(optimizer, initial, gradients, lrs, scales));
            JsonObject o = new JsonObject();
            o.addProperty("type", optimizer.type().name().toLowerCase(Locale.ROOT));
            o.addProperty("momentum", optimizer.momentum());
            o.addProperty("weight_decay", optimizer.weightDecay());
            o.add("initial", GSON.toJsonTree(initial));
            JsonArray updates = new JsonArray();
            for (int step = 0; step < lrs.length; step++) {
                JsonObject u = new JsonObject();
                u.addProperty("lr", lrs[step]);
                u.addProperty("scale", scales[step]);
                u.add("gradients", GSON.toJsonTree(gradients.get(step)));
                updates.add(u);
            }
            o.add("updates", updates);
            optimisers.add(o);
        }
        request.add("optimisers", optimisers);

        Path in = dir.resolve("request.json");
        Path out = dir.resolve("response.json");
        Files.writeString(in, request.toString(), StandardCharsets.UTF_8);
        PythonScripts.Result run = PythonScripts.run(300, "tests/java_parity.py", in.toString(), out.toString());
        assertEquals(0, run.exitCode(), run.output());
        JsonObject response = GSON.fromJson(Files.readString(out, StandardCharsets.UTF_8), JsonObject.class);

        // Learning rates: the same float at every step, up to one float ulp where cos() itself may round apart.
        JsonArray pySchedules = response.getAsJsonArray("schedules");
        int ratesCompared = 0;
        double worstRate = 0;
        for (int s = 0; s < SCHEDULES.size(); s++) {
            float[] java = javaRates.get(s);
            JsonArray py = pySchedules.get(s).getAsJsonArray();
            assertEquals(java.length, py.size());
            for (int i = 0; i < java.length; i++) {
                float p = py.get(i).getAsFloat();
                assertTrue(Math.abs(java[i] - p) <= Math.ulp(java[i]),
                        SCHEDULES.get(s)[0] + " at step " + i + ": Java " + java[i] + ", Python " + p);
                worstRate = Math.max(worstRate, Math.abs(java[i] - p));
                ratesCompared++;
            }
        }

        Rng javaRng = new Rng(seed);
        JsonArray longs = response.getAsJsonObject("rng").getAsJsonArray("longs");
        for (int i = 0; i < longs.size(); i++) {
            assertEquals(Long.toString(javaRng.nextLong()), longs.get(i).getAsString(), "nextLong #" + i);
        }
        int[] permutation = new Rng(seed).permutation(10_000);
        assertArrayEquals(permutation, GSON.fromJson(response.getAsJsonObject("rng").get("permutation"), int[].class),
                "the first epoch's shuffle of a 10,000-image training split");

        JsonObject init = response.getAsJsonObject("initialisation");
        JsonArray pyParameters = init.getAsJsonArray("parameters");
        assertEquals(javaParameters.size(), pyParameters.size(), "parameter count");
        long values = 0;
        for (int i = 0; i < javaParameters.size(); i++) {
            assertArrayEquals(javaValues.get(i), GSON.fromJson(pyParameters.get(i), float[].class),
                    "initial values of " + javaParameters.get(i).name());
            values += javaValues.get(i).length;
        }
        assertArrayEquals(javaClassWeights, GSON.fromJson(init.get("class_weights"), float[].class),
                "initial class weights");

        JsonArray pyOptimisers = response.getAsJsonArray("optimisers");
        double worstUpdate = 0;
        for (int o = 0; o < javaUpdated.size(); o++) {
            float[][] py = GSON.fromJson(pyOptimisers.get(o), float[][].class);
            for (int t = 0; t < py.length; t++) {
                worstUpdate = Math.max(worstUpdate, normwise(javaUpdated.get(o).get(t), py[t]));
            }
        }
        System.out.printf(Locale.ROOT, "reference loop against Java: %d learning rates (max difference %.1e), "
                        + "%d nextLong and a 10,000-shuffle identical, %,d initial values of %d tensors and %d class"
                        + " weights identical, SGD and AdamW after 3 updates max relative difference %.2e%n",
                ratesCompared, worstRate, longs.size(), values, javaParameters.size(), javaClassWeights.length,
                worstUpdate);
        assertTrue(worstUpdate <= 1e-6, "optimiser updates differ by " + worstUpdate + " relative");
    }

    private static List<float[]> updateInJava(OptimizerConfig config, List<float[]> initial,
            List<List<float[]>> gradients, float[] lrs, float[] scales) {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NamedArray> params = new ArrayList<>();
            for (int i = 0; i < initial.size(); i++) {
                params.add(new NamedArray("p" + i, manager.create(initial.get(i), new Shape(initial.get(i).length))));
            }
            Optimizer optimizer = config.create(params);
            List<NDArray> arrays = params.stream().map(NamedArray::array).toList();
            for (int step = 0; step < lrs.length; step++) {
                List<NDArray> grads = new ArrayList<>();
                for (float[] g : gradients.get(step)) {
                    grads.add(manager.create(g, new Shape(g.length)));
                }
                optimizer.update(arrays, grads, lrs[step], scales[step], step + 1);
            }
            return arrays.stream().map(NDArray::toFloatArray).toList();
        }
    }

    private static float[] gaussian(Rng rng, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) rng.nextGaussian();
        }
        return values;
    }

    private static double normwise(float[] actual, float[] expected) {
        assertEquals(expected.length, actual.length);
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < actual.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / scale;
    }
}
