package io.embedstream.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code fit --corruptions}: the unseen-corruption table after training. */
class FitCorruptionsTest {
    private static final Pattern ROW = Pattern.compile(
            "^(rotate|gamma|salt-pepper|occlusion|pixelate)\\s+([\\d.]+)%\\s+([\\d.]+)%\\s+([\\d.]+)%\\s+([\\d.]+)%$",
            Pattern.MULTILINE);

    @Test
    void aTrainedModelLosesPrecisionUnderTheStrongestLevelOfEveryKind() {
        // 4 epochs of 800 shapes: about 95% clean P@1 on this machine, far enough from chance for the drop to show.
        String out = capture("fit", "--dataset", "synthetic:800:200:5", "--epochs", "4", "--batch", "64",
                "--arch", "cm-mnist-3x3", "--embedding", "32", "--device", "cpu", "--corruptions", "all");
        Map<String, double[]> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(out);
        while (m.find()) {
            rows.put(m.group(1), new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                    Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5))});
        }
        assertEquals(List.of("rotate", "gamma", "salt-pepper", "occlusion", "pixelate"), List.copyOf(rows.keySet()), out);
        double clean = percent(out, "clean");
        double knn = percent(out, "held-out kNN@1:");
        assertEquals(knn, clean, 1e-9, "the clean figure of the corruption table is fit's kNN@1");
        assertTrue(clean >= 80, "the model did not train: clean P@1 " + clean + "%\n" + out);
        double sum = 0;
        for (Map.Entry<String, double[]> r : rows.entrySet()) {
            double[] v = r.getValue();
            for (int i = 0; i < 4; i++) {
                assertTrue(Double.isFinite(v[i]) && v[i] >= 0 && v[i] <= 100, r.getKey() + ": " + out);
            }
            assertEquals((v[0] + v[1] + v[2]) / 3, v[3], 0.01, r.getKey() + "'s mean");
            assertTrue(v[2] < clean, r.getKey() + " at level 3 keeps " + v[2] + "% of P@1, clean " + clean + "%\n" + out);
            sum += v[0] + v[1] + v[2];
        }
        assertEquals(sum / 15, percent(out, "mean"), 0.01);
    }

    @Test
    void aBadCorruptionNameFailsBeforeTraining() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = PipelineLauncher.run("fit", "--dataset", "synthetic:100:10", "--corruptions", "rotate,jpeg");
        } finally {
            System.setErr(stderr);
        }
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown corruption 'jpeg'; the kinds are rotate,"),
                err.toString(StandardCharsets.UTF_8));
    }

    private static double percent(String out, String label) {
        Matcher m = Pattern.compile("^" + Pattern.quote(label) + "\\s+([\\d.]+)%", Pattern.MULTILINE).matcher(out);
        assertTrue(m.find(), "no '" + label + "' figure in\n" + out);
        return Double.parseDouble(m.group(1));
    }

    private static synchronized String capture(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(0, PipelineLauncher.run(args));
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            System.setOut(stdout);
        }
    }
}
