package io.embedstream.model.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java objective and its PyTorch port (python/embedstream_torch/losses.py) give the same value, the same value
 * of each term and the same gradients with respect to the embeddings and the class weights, on one random batch
 * (B = 32, d = 16, C = 10, class 9 absent so that the proxy selection matters). Java writes the inputs, Python
 * computes, Java compares.
 */
class JavaMatchesPyTorchLossTest {
    private static final int B = 32;
    private static final int D = 16;
    private static final int C = 10;
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    private static Map<String, ObjectiveConfig> configs() {
        Map<String, ObjectiveConfig> configs = new LinkedHashMap<>();
        configs.put("defaults", ObjectiveConfig.defaults());
        configs.put("every term, other settings", ObjectiveConfig.builder()
                .cmWeight(0.7f).cm(new CmSoftmaxLoss(20f, 0.25f, true, true))
                .ldmatWeight(1.3f).ldmat(new LdmatLoss(1.5f, 0.3f))
                .antiCollapseFeaturesWeight(0.6f).antiCollapseProxiesWeight(0.9f)
                .antiCollapseParameters(1.2f, 0.8f, 0.4f).build());
        configs.put("cm without margin or contraction", ObjectiveConfig.builder()
                .cm(new CmSoftmaxLoss(30f, 0f, false, true)).ldmatWeight(0).antiCollapseProxiesWeight(0).build());
        configs.put("plain softmax", ObjectiveConfig.plainSoftmax());
        return configs;
    }

    /** Java's value, terms and gradients of one case. */
    private record JavaResult(float total, Map<String, Float> components, float[] gradEmbeddings, float[] gradWeights) {}

    @Test
    void valuesAndGradientsAgreeWithPyTorch() throws Exception {
        Rng rng = new Rng(20261203L);
        float[] embeddings = gaussian(rng, B * D, 1.5);
        float[] weights = gaussian(rng, C * D, 1.0);
        int[] labels = new int[B];
        for (int i = 0; i < B; i++) {
            labels[i] = i < 2 ? i : rng.nextInt(C - 1); // two classes for LDMAT; class C-1 never present
        }

        JsonArray cases = new JsonArray();
        Map<String, JavaResult> java = new LinkedHashMap<>();
        for (Map.Entry<String, ObjectiveConfig> entry : configs().entrySet()) {
            java.put(entry.getKey(), evaluateInJava(entry.getValue(), embeddings, labels, weights));
            JsonObject c = new JsonObject();
            c.addProperty("name", entry.getKey());
            c.add("config", new Gson().toJsonTree(entry.getValue().describe()));
            c.addProperty("batch", B);
            c.addProperty("dim", D);
            c.addProperty("classes", C);
            c.add("embeddings", new Gson().toJsonTree(embeddings));
            c.add("labels", new Gson().toJsonTree(labels));
            c.add("class_weights", new Gson().toJsonTree(weights));
            cases.add(c);
        }
        JsonObject input = new JsonObject();
        input.add("cases", cases);
        Path in = dir.resolve("batch.json");
        Path out = dir.resolve("pytorch.json");
        Files.writeString(in, input.toString(), StandardCharsets.UTF_8);

        PythonScripts.Result run = PythonScripts.run(300, "-m", "embedstream_torch.losses", "evaluate",
                in.toString(), out.toString());
        assertEquals(0, run.exitCode(), run.output());
        JsonObject python = new Gson().fromJson(Files.readString(out, StandardCharsets.UTF_8), JsonObject.class);

        double worst = 0;
        List<String> lines = new ArrayList<>();
        for (JsonElement element : python.getAsJsonArray("cases")) {
            JsonObject p = element.getAsJsonObject();
            String name = p.get("name").getAsString();
            JavaResult j = java.get(name);
            double total = relative(j.total(), p.get("total").getAsDouble());
            JsonObject pComponents = p.getAsJsonObject("components");
            assertEquals(j.components().keySet(), pComponents.keySet(), name + ": terms differ");
            double terms = 0;
            for (Map.Entry<String, Float> term : j.components().entrySet()) {
                terms = Math.max(terms, relative(term.getValue(), pComponents.get(term.getKey()).getAsDouble()));
            }
            double gx = normwise(j.gradEmbeddings(), toArray(p.getAsJsonArray("grad_embeddings")));
            double gw = normwise(j.gradWeights(), toArray(p.getAsJsonArray("grad_class_weights")));
            lines.add(String.format(Locale.ROOT, "%-34s total %.3e  terms %.3e  dL/dx %.3e  dL/dW %.3e   (L = %.6f)",
                    name, total, terms, gx, gw, j.total()));
            worst = Math.max(worst, Math.max(Math.max(total, terms), Math.max(gx, gw)));
        }
        System.out.println("Java against PyTorch " + python.get("torch").getAsString()
                + ", max relative error per case (B=" + B + ", d=" + D + ", C=" + C + "):");
        lines.forEach(l -> System.out.println("  " + l));
        System.out.printf(Locale.ROOT, "  worst: %.3e (tolerance %.0e)%n", worst, TOLERANCE);
        assertEquals(configs().size(), lines.size(), "Python returned another number of cases");
        assertTrue(worst <= TOLERANCE, "Java and PyTorch differ by " + worst + " relative:\n" + String.join("\n", lines));
    }

    private static JavaResult evaluateInJava(ObjectiveConfig config, float[] embeddings, int[] labels, float[] weights) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(embeddings, new Shape(B, D));
            NDArray w = manager.create(weights, new Shape(C, D));
            x.setRequiresGradient(true);
            w.setRequiresGradient(true);
            CombinedObjective objective = new CombinedObjective(config);
            Map<String, Float> components = new LinkedHashMap<>();
            float total;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                CombinedObjective.Evaluation evaluation = objective.evaluate(new LossInput(x, labels, C, w));
                collector.backward(evaluation.total());
                total = evaluation.total().getFloat();
                for (int i = 0; i < evaluation.components().size(); i++) {
                    components.put(objective.componentNames().get(i), evaluation.components().get(i).getFloat());
                }
            }
            return new JavaResult(total, components, x.getGradient().toFloatArray(), w.getGradient().toFloatArray());
        }
    }

    private static float[] gaussian(Rng rng, int n, double scale) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (rng.nextGaussian() * scale);
        }
        return values;
    }

    private static double[] toArray(JsonArray array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).getAsDouble();
        }
        return values;
    }

    private static double relative(double actual, double expected) {
        return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-30);
    }

    /**
     * max |a - b| / max |b|: element-wise relative error would be dominated by entries that are zero up to
     * round-off (for example the gradient of a class weight that only the anti-collapse term touches).
     */
    private static double normwise(float[] actual, double[] expected) {
        assertEquals(expected.length, actual.length, "gradient sizes differ");
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < actual.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / Math.max(scale, 1e-30);
    }
}
