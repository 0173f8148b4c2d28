package io.embedstream.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Drives {@code bin/cluster} as a user would, on free ports and in its own work directory. */
final class ClusterScript implements AutoCloseable {
    private static final Pattern JOB_ID = Pattern.compile("job ([0-9a-f]{32}) submitted");

    private final Path script;
    private final Path dir;
    private final Map<String, String> env;
    final int kafkaPort;
    final int restPort;

    ClusterScript(Path root, Path dir, Path jar) throws IOException {
        this.script = root.resolve("bin/cluster");
        this.dir = dir;
        this.kafkaPort = freePort();
        this.restPort = freePort();
        this.env = Map.of("EMBEDSTREAM_CLUSTER_DIR", dir.toString(), "EMBEDSTREAM_JAR", jar.toString(),
                "EMBEDSTREAM_CLUSTER_KAFKA_PORT", Integer.toString(kafkaPort),
                "EMBEDSTREAM_CLUSTER_REST_PORT", Integer.toString(restPort),
                "EMBEDSTREAM_CLUSTER_RPC_PORT", Integer.toString(freePort()));
        // A test JVM that is killed must not leave the cluster's JVMs behind.
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    private final Thread stopOnExit = new Thread(() -> {
        try {
            run(Duration.ofMinutes(1), "stop");
        } catch (Exception e) {
            System.err.println("could not stop the cluster: " + e);
        }
    }, "cluster-stop-on-exit");

    String bootstrap() {
        return "localhost:" + kafkaPort;
    }

    String rest() {
        return "http://localhost:" + restPort;
    }

    void start(int taskManagers) throws Exception {
        run(Duration.ofMinutes(5), "start", "--taskmanagers", Integer.toString(taskManagers));
    }

    /** Submits {@code train} with these options; returns the job id. */
    String submit(List<String> trainOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of("submit"));
        args.addAll(trainOptions);
        String out = run(Duration.ofMinutes(3), args.toArray(new String[0]));
        Matcher m = JOB_ID.matcher(out);
        if (!m.find()) {
            throw new AssertionError("no job id in: " + out);
        }
        return m.group(1);
    }

    void kill(String process) throws Exception {
        run(Duration.ofMinutes(1), "kill", process);
    }

    void restart(String process) throws Exception {
        run(Duration.ofMinutes(3), "restart", process);
    }

    String status() throws Exception {
        return run(Duration.ofMinutes(1), "status");
    }

    /** The last lines of a process's log, for a failure report. */
    String logTail(String name, int lines) {
        Path log = dir.resolve("log").resolve(name);
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + log + ")";
        }
    }

    String run(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        // Read while waiting: a full pipe would block the script.
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("(cannot read output: ").append(e).append(')');
            }
        });
        reader.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/cluster " + String.join(" ", args) + " did not finish in " + timeout);
        }
        reader.join();
        if (process.exitValue() != 0) {
            throw new AssertionError("bin/cluster " + String.join(" ", args) + " exited with " + process.exitValue()
                    + ":\n" + output);
        }
        return output.toString();
    }

    @Override
    public void close() throws Exception {
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
        run(Duration.ofMinutes(2), "stop");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
