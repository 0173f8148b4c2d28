package io.embedstream.experiments.cli;

import java.io.IOException;
import java.lang.reflect.Array;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The settings block of an experiment's results.json, the part every command shares: the command, its arguments as
 * given, every option's value as parsed (defaults included, the mixins' options too: {@link ExperimentOptions},
 * the training options), the git commit of the code and the date the run started. The options are read from
 * picocli's {@link CommandSpec}, so an option added to a command or a mixin is recorded without being listed here.
 * Commands add what they derive (dataset size, the objective of each configuration...).
 */
final class RunSettings {
    static final String UNKNOWN_COMMIT = "unknown";

    private RunSettings() {}

    /** A new, mutable settings map for the parsed command {@code spec}; the date is now. */
    static Map<String, Object> of(CommandSpec spec) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("command", spec.qualifiedName(" "));
        CommandLine commandLine = spec.commandLine();
        CommandLine.ParseResult parsed = commandLine == null ? null : commandLine.getParseResult();
        s.put("args", parsed == null ? null : List.copyOf(parsed.originalArgs()));
        s.put("options", options(spec));
        s.put("commit", gitCommit(codeDirectory()));
        s.put("date", Instant.now().toString());
        return s;
    }

    /**
     * Every option of the command by its longest name ("--lr"), and every positional parameter by its label, with
     * its value as JSON takes it: numbers, booleans and strings as they are, lists as lists, enums by their
     * lower-case name, anything else (a path) by its string form; null when unset. Help and version options are
     * not settings and are left out.
     */
    static Map<String, Object> options(CommandSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            if (!isSetting(o)) {
                continue;
            }
            m.put(o.longestName(), jsonValue(o.getValue()));
        }
        for (ArgSpec p : spec.positionalParameters()) {
            m.put(p.paramLabel(), jsonValue(p.getValue()));
        }
        return m;
    }

    /** Whether an option is a setting of the run: all but {@code --help} and {@code --version}. */
    static boolean isSetting(OptionSpec o) {
        return !o.usageHelp() && !o.versionHelp();
    }

    static Object jsonValue(Object v) {
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
            return v;
        }
        if (v instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        if (v instanceof Collection<?> c) {
            List<Object> list = new ArrayList<>();
            c.forEach(x -> list.add(jsonValue(x)));
            return list;
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, x) -> out.put(String.valueOf(k), jsonValue(x)));
            return out;
        }
        if (v.getClass().isArray()) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                list.add(jsonValue(Array.get(v, i)));
            }
            return list;
        }
        return String.valueOf(v);
    }

    /**
     * Where the running code lies (the classes directory or the jar's directory): its checkout is the code's
     * commit, wherever the command is run from. The working directory when that is unknown.
     */
    static Path codeDirectory() {
        try {
            CodeSource source = RunSettings.class.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                Path p = Path.of(source.getLocation().toURI());
                return Files.isDirectory(p) ? p : p.toAbsolutePath().getParent();
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    /**
     * {@code git rev-parse HEAD} of the checkout holding {@code dir}, with "-dirty" when {@code git status} lists
     * changes (modified, staged or untracked files, ignored ones aside); {@link #UNKNOWN_COMMIT} when {@code dir}
     * is not in a git checkout, git is missing or does not answer within 10 s. Never throws.
     */
    static String gitCommit(Path dir) {
        String head = git(dir, "rev-parse", "--verify", "HEAD");
        if (head == null || !head.strip().matches("[0-9a-f]{40,64}")) {
            return UNKNOWN_COMMIT;
        }
        String status = git(dir, "status", "--porcelain");
        if (status == null) {
            return UNKNOWN_COMMIT;
        }
        return status.isBlank() ? head.strip() : head.strip() + "-dirty";
    }

    /** The standard output of git in {@code dir}, or null when it fails, times out or cannot be started. */
    private static String git(Path dir, String... args) {
        Path out = null;
        Process process = null;
        try {
            out = Files.createTempFile("embedstream-git", ".txt");
            List<String> command = new ArrayList<>(List.of("git", "-C", dir.toAbsolutePath().toString()));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            // git status would otherwise refresh the index and take its lock, racing a git command of the user.
            builder.environment().put("GIT_OPTIONAL_LOCKS", "0");
            process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                return null;
            }
            return process.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }
}
