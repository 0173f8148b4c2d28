package io.embedstream.experiments.cli;

import io.embedstream.model.data.corruption.CorruptionSet;
import io.embedstream.pipeline.cli.CorruptionOptions;
import io.embedstream.pipeline.cli.TrainingOptions;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.types.LabeledImage;
import io.embedstream.experiments.ExperimentData;
import io.embedstream.experiments.ObjectiveVariants;
import io.embedstream.experiments.RunResult;
import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.metrics.DetectorConfig;
import io.embedstream.model.train.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** Trains each loss configuration on the same data for several seeds and compares the evaluations side by side. */
@Command(name = "ablation", mixinStandardHelpOptions = true,
        description = "Ablation of the objective: plain softmax, CM, CM+LDMAT, CM+anti-collapse and all three, each"
                + " trained on the same data for --seeds seeds and evaluated on the test split (mean ± std over seeds).")
public final class AblationCommand implements Callable<Integer> {

    @Option(names = "--configs", defaultValue = "softmax,cm,cm+ldmat,cm+ac,all", split = ",",
            description = "Configurations to compare, from softmax, cm, cm+ldmat, cm+ac, all (default: ${DEFAULT-VALUE}).")
    List<String> configs;

    @Option(names = "--degrade-train", defaultValue = "0",
            description = "Share of training images degraded (blur, noise, JPEG, low contrast at 0.3/0.6/1.0) (default: ${DEFAULT-VALUE}).")
    double degradeTrain;

    @Option(names = "--degrade-test", defaultValue = "0",
            description = "Share of test images degraded, reported per quality bucket (default: ${DEFAULT-VALUE}).")
    double degradeTest;

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
        Map<String, ObjectiveConfig> configurations = ObjectiveVariants.of(configs, training.objective());
        LabeledDataset dataset = options.load();
        ExperimentData data = ExperimentSetup.data(dataset, degradeTrain, degradeTest, false, options.probeSize);
        LabeledImage first = dataset.train().get(0);
        TrainerConfig base = training.trainerConfig(first.height(), first.width(), first.channels(),
                dataset.numClasses(), ExperimentSetup.totalSteps(options, data.train().size()));
        Path out = options.outputDirectory("ablation");
        System.out.printf(Locale.ROOT, "ablation on %s: %d train / %d test images, %d configurations x %d seeds,"
                        + " %d steps each; output %s%n", dataset.name(), data.train().size(), data.queries().size(),
                configurations.size(), options.seeds, ExperimentSetup.totalSteps(options, data.train().size()), out);
        List<RunResult> runs = ExperimentSetup.runAll(configurations, base, options, data, -1, DetectorConfig.defaults(),
                corruptions, corruption.seed());

        ExperimentReport report = new ExperimentReport("ablation", runs);
        StringBuilder md = new StringBuilder("# Ablation of the objective\n\n");
        md.append(String.format(Locale.ROOT, "Dataset %s, %d seeds (from %d), %d epochs, %s steps per run, batch %d;"
                        + " test split as queries against the train split (cosine). Cells: mean ± std over seeds.%n%n",
                dataset.name(), options.seeds, options.firstSeed, options.epochs,
                options.steps > 0 ? String.valueOf(options.steps) : "all", options.batch));
        for (String subset : report.subsets()) {
            String table = report.table(subset, false);
            System.out.println("\n" + subset + " test images:\n" + table);
            md.append("## ").append(subset).append(" test images\n\n").append(report.table(subset, true)).append('\n');
        }
        report.writeCorruptions(md, corruption.describe());
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.md"), md.toString());
        ExperimentSetup.addDerivedSettings(settings, dataset, training, base, configurations);
        report.writeJson(out.resolve("results.json"), settings, Map.of());
        Map<String, String> bars = new LinkedHashMap<>();
        bars.put("precision_at_1", "Precision@1");
        bars.put("map_at_r", "MAP@R");
        bars.put("nmi", "NMI");
        report.barChart(out.resolve("ablation.png"), "Ablation: test-split retrieval (" + options.seeds + " seeds)",
                "all", bars);
        report.effectiveRankChart("Effective rank of the probe set during training").build()
                .write(out.resolve("effective_rank.png"));
        System.out.println("wrote " + out.resolve("results.json") + ", results.md, ablation.png, effective_rank.png");
        return 0;
    }
}
