package io.embedstream.pipeline.cli;

import io.embedstream.model.data.corruption.Corruption;
import io.embedstream.model.data.corruption.CorruptionSet;
import io.embedstream.model.eval.CorruptionReport;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The unseen-corruption evaluation's options, shared by {@code fit}, {@code eval} and the experiments that
 * evaluate: the test split corrupted by kinds the training stream never contains, at every level, ranked against
 * the clean train split.
 */
public final class CorruptionOptions {

    @Option(names = "--corruptions", defaultValue = "none", paramLabel = "none|all|KIND[,KIND...]",
            description = "Also report P@1 of the test split under corruptions the training stream never contains,"
                    + " at levels 1-3 each, against the clean train split: rotate, gamma, salt-pepper, occlusion,"
                    + " pixelate, or all (default: ${DEFAULT-VALUE}).")
    String corruptions;

    @Option(names = "--corruption-seed", defaultValue = "1",
            description = "Seed of the corruptions' random choices (rotation direction, impulse and box positions);"
                    + " independent of the training seed, so models are compared on the same images (default: ${DEFAULT-VALUE}).")
    long corruptionSeed;

    /** The kinds asked for; throws a sentence naming a bad value. Call it before any long work. */
    public CorruptionSet kinds() {
        return CorruptionSet.parse(corruptions);
    }

    public long seed() {
        return corruptionSeed;
    }

    /** The kinds and the seed in words, for reports: "rotate, gamma at levels 1-3, corruption seed 1". */
    public String describe() {
        return kinds().kinds().stream().map(Corruption::cliName).collect(java.util.stream.Collectors.joining(", "))
                + " at levels 1-" + Corruption.LEVELS + ", corruption seed " + corruptionSeed;
    }

    /** P@1 in percent per kind (rows) and level (columns), each kind's mean, the mean over every cell and clean. */
    public static String table(CorruptionReport report) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-12s %8s %8s %8s %8s%n", "corruption", "level 1", "level 2", "level 3",
                "mean"));
        for (Corruption kind : report.kinds()) {
            s.append(String.format(Locale.ROOT, "%-12s", kind.cliName()));
            double sum = 0;
            for (int level = 1; level <= Corruption.LEVELS; level++) {
                double p = report.precisionAt1(kind, level);
                sum += p;
                s.append(String.format(Locale.ROOT, " %7.2f%%", 100 * p));
            }
            s.append(String.format(Locale.ROOT, " %7.2f%%%n", 100 * sum / Corruption.LEVELS));
        }
        s.append(String.format(Locale.ROOT, "%-12s %35.2f%%  (%d cells)%n", "mean", 100 * report.mean(),
                report.cells().size()));
        s.append(String.format(Locale.ROOT, "%-12s %35.2f%%%n", "clean", 100 * report.clean()));
        return s.toString();
    }
}
