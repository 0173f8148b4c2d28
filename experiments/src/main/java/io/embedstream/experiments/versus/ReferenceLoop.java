package io.embedstream.experiments.versus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code python -m embedstream_torch.versus}: the reference loop of {@code python/embedstream_torch}, then the
 * embedding of the sets Java wrote. The interpreter is Debian's {@code /usr/bin/python3} unless told otherwise,
 * because the {@code python3} first on a PATH may be a shim without torch.
 *
 * @param python    the interpreter that imports torch
 * @param pythonDir the repository's {@code python/} folder, put on PYTHONPATH so the checkout's code runs
 */
public record ReferenceLoop(Path python, Path pythonDir) {

    /** What the loop reported: its training speed and its own kNN@1, kept as a cross-check of the Java evaluator. */
    public record Result(double imagesPerSecond, double trainSeconds, long steps, long skipped, double ownPrecisionAt1,
                         JsonNode json) {}

    /** EMBEDSTREAM_PYTHON, else Debian's interpreter. */
    public static Path defaultPython() {
        String env = System.getenv("EMBEDSTREAM_PYTHON");
        return Path.of(env != null && !env.isBlank() ? env : "/usr/bin/python3");
    }

    /** The {@code python/} folder holding {@code embedstream_torch} in {@code start} or up to 4 folders above, or null. */
    public static Path findPythonDir(Path start) {
        Path dir = start.toAbsolutePath();
        for (int i = 0; i < 5 && dir != null; i++, dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("python/embedstream_torch"))) {
                return dir.resolve("python");
            }
        }
        return null;
    }

    /**
     * Fails with a sentence unless the interpreter runs, imports torch and numpy, and finds the loop: called before
     * any training, so that a missing PyTorch costs seconds, not a Java training run.
     */
    public void check() throws IOException, InterruptedException {
        if (!Files.isExecutable(python)) {
            throw new IllegalArgumentException("--python " + python + " is not an executable file");
        }
        if (!Files.isRegularFile(pythonDir.resolve("embedstream_torch/versus.py"))) {
            throw new IllegalArgumentException("--python-dir " + pythonDir + " has no embedstream_torch/versus.py");
        }
        Path log = Files.createTempFile("embedstream-torch-check", ".log");
        try {
            int code = start(List.of("-c", "import torch, numpy, embedstream_torch.versus"), log, 300);
            if (code != 0) {
                throw new IllegalArgumentException(python + " cannot import torch, numpy and embedstream_torch.versus"
                        + " (install Debian's python3-torch or pass --python): "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Trains with {@code loopArgs} (reference_loop's options, {@code --dataset} included), embeds the sets in
     * {@code sets}, and returns the loop's result; its progress goes to {@code log}.
     */
    public Result run(List<String> loopArgs, Path sets, Path resultFile, Path log) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-m", "embedstream_torch.versus", "--sets", sets.toString(),
                "--out", resultFile.toString()));
        args.addAll(loopArgs);
        int code = start(args, log, 0);
        if (code != 0) {
            throw new IllegalStateException("the PyTorch reference loop failed (exit " + code + "); its output is in "
                    + log + ":\n" + tail(log));
        }
        JsonNode json = new ObjectMapper().readTree(resultFile.toFile());
        return new Result(json.get("images_per_second").asDouble(), json.get("train_seconds").asDouble(),
                json.get("steps").asLong(), json.get("skipped").asLong(), json.get("p_at_1").asDouble(), json);
    }

    private int start(List<String> args, Path log, long timeoutSeconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(python.toString());
        command.addAll(args);
        // Output to a file, not a pipe: a child that writes a lot can never block on a pipe nobody reads.
        ProcessBuilder builder = new ProcessBuilder(command).directory(pythonDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("PYTHONPATH", pythonDir.toString());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process = builder.start();
        try {
            if (timeoutSeconds > 0 && !process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            return process.waitFor();
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static String tail(Path log) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }
}
