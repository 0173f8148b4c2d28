package io.embedstream.experiments.cli;

import io.embedstream.model.data.corruption.CorruptionSet;
import io.embedstream.pipeline.cli.CorruptionOptions;
import io.embedstream.pipeline.cli.TrainingOptions;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.eval.EvaluationReport;
import io.embedstream.model.eval.Spread;
import io.embedstream.experiments.ExperimentData;
import io.embedstream.experiments.ObjectiveVariants;
import io.embedstream.experiments.RunResult;
import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.metrics.DetectorConfig;
import io.embedstream.model.train.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A training stream that is mostly clean with a degraded minority; every test image is evaluated twice, clean and
 * degraded, so that the clean and degraded figures are paired. Reports, per seed, the difference between the
 * configurations on the degraded images.
 */
@Command(name = "quality-imbalance", mixinStandardHelpOptions = true,
        description = "Trains on a mostly clean stream with a degraded minority (blur, noise, JPEG, low contrast at"
                + " severities 0.3/0.6/1.0) and evaluates every test image clean and degraded; compares the"
                + " configurations (plain softmax vs CM by default) on the degraded images, per seed.")
public final class QualityImbalanceCommand implements Callable<Integer> {

    @Option(names = "--configs", defaultValue = "softmax,cm", split = ",",
            description = "Configurations, from softmax, cm, cm+ldmat, cm+ac, all; the first is the baseline of the"
                    + " differences (default: ${DEFAULT-VALUE}).")
    List<String> configs;

    @Option(names = "--degraded-share", defaultValue = "0.2",
            description = "Share of the training stream that is degraded (default: ${DEFAULT-VALUE}).")
    double degradedShare;

    @Mixin
    ExperimentOptions options;

    @Mixin
    TrainingOptions training;

    @Mixin
    CorruptionOptions corruption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = RunSettings.of(spec);
        options.validate();
        CorruptionSet corruptions = corruption.kinds();
        if (configs.size() < 2) {
            throw new IllegalArgumentException("quality-imbalance compares at least two configurations, got " + configs);
        }
        Map<String, ObjectiveConfig> configurations = ObjectiveVariants.of(configs, training.objective());
        LabeledDataset dataset = options.load();
        ExperimentData data = ExperimentSetup.data(dataset, degradedShare, 1.0, true, options.probeSize);
        LabeledImage first = dataset.train().get(0);
        long total = ExperimentSetup.totalSteps(options, data.train().size());
        TrainerConfig base = training.trainerConfig(first.height(), first.width(), first.channels(),
                dataset.numClasses(), total);
        Path out = options.outputDirectory("quality-imbalance");
        System.out.printf(Locale.ROOT, "quality imbalance on %s: %d train images (%.0f%% degraded), %d test images"
                        + " each clean and degraded, %d configurations x %d seeds, %d steps each; output %s%n",
                dataset.name(), data.train().size(), degradedShare * 100, dataset.test().size(), configurations.size(),
                options.seeds, total, out);
        List<RunResult> runs = ExperimentSetup.runAll(configurations, base, options, data, -1, DetectorConfig.defaults(),
                corruptions, corruption.seed());

        ExperimentReport report = new ExperimentReport("quality-imbalance", runs);
        StringBuilder md = new StringBuilder("# Quality imbalance\n\n");
        md.append(String.format(Locale.ROOT, "Dataset %s; training stream %.0f%% degraded (blur, noise, JPEG, low"
                        + " contrast; severities 0.3/0.6/1.0); every test image evaluated clean and degraded against"
                        + " the clean train split; mild = severity below %.2f, strong = from it. %d seeds (from %d),"
                        + " %d epochs, %s steps per run. Cells: mean ± std over seeds.%n%n", dataset.name(),
                degradedShare * 100, options.strongFrom, options.seeds, options.firstSeed, options.epochs,
                options.steps > 0 ? String.valueOf(options.steps) : "all"));
        for (String subset : report.subsets()) {
            String table = report.table(subset, false);
            System.out.println("\n" + subset + " test images:\n" + table);
            md.append("## ").append(subset).append(" test images\n\n").append(report.table(subset, true)).append('\n');
        }
        String baseline = configs.get(0).trim();
        Map<String, Object> findings = new LinkedHashMap<>();
        List<List<String>> rows = new ArrayList<>();
        for (String c : report.configurations()) {
            if (c.equals(baseline)) {
                continue;
            }
            for (String subset : List.of("clean", "mild", "strong", EvaluationReport.DEGRADED)) {
                for (String figure : List.of("precision_at_1", "map_at_r")) {
                    Spread d = report.difference(c, baseline, subset, figure);
                    findings.put(c + " - " + baseline + " / " + subset + " / " + figure, ExperimentReport.spreadMap(d));
                    rows.add(List.of(c + " − " + baseline, subset, ExperimentReport.COLUMNS.get(figure),
                            String.format(Locale.ROOT, "%+.4f", d.mean()), String.format(Locale.ROOT, "%.4f", d.std()),
                            String.format(Locale.ROOT, "%+.4f … %+.4f", d.min(), d.max()), String.valueOf(d.n())));
                }
            }
        }
        List<String> headings = List.of("difference", "test images", "figure", "mean", "std", "min … max", "seeds");
        System.out.println("paired differences per seed (positive = better than " + baseline + "):\n"
                + Tables.aligned(headings, rows));
        md.append("## Paired differences per seed (positive = better than ").append(baseline).append(")\n\n")
                .append(Tables.markdown(headings, rows)).append('\n');
        report.writeCorruptions(md, corruption.describe());
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.md"), md.toString());
        ExperimentSetup.addDerivedSettings(settings, dataset, training, base, configurations);
        report.writeJson(out.resolve("results.json"), settings, findings);
        Map<String, String> bars = new LinkedHashMap<>();
        bars.put("clean", "clean");
        bars.put("mild", "mild");
        bars.put("strong", "strong");
        barBySubset(report, out.resolve("map_at_r_by_quality.png"), bars);
        System.out.println("wrote " + out.resolve("results.json") + ", results.md, map_at_r_by_quality.png");
        return 0;
    }

    /** MAP@R per configuration with one bar per quality bucket. */
    private void barBySubset(ExperimentReport report, Path file, Map<String, String> subsets) throws java.io.IOException {
        List<String> cs = report.configurations();
        var chart = io.embedstream.experiments.chart.BarChart.builder()
                .title("Quality imbalance: MAP@R by test-image quality (" + options.seeds + " seeds)")
                .xLabel("configuration").yLabel("MAP@R, mean over seeds (error bar: std)").categories(cs);
        for (Map.Entry<String, String> s : subsets.entrySet()) {
            double[] v = new double[cs.size()];
            double[] e = new double[cs.size()];
            for (int i = 0; i < cs.size(); i++) {
                Spread sp = report.summary().get(cs.get(i)).getOrDefault(s.getKey(), Map.of()).get("map_at_r");
                v[i] = sp == null ? 0 : sp.mean();
                e[i] = sp == null ? 0 : sp.std();
            }
            chart.measure(s.getValue(), v, e);
        }
        chart.build().write(file);
    }
}
