package io.embedstream.experiments.cli;

import io.embedstream.pipeline.cli.TrainingOptions;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.types.LabeledImage;
import io.embedstream.experiments.ExperimentData;
import io.embedstream.experiments.RunResult;
import io.embedstream.experiments.WindowPoint;
import io.embedstream.model.loss.CmSoftmaxLoss;
import io.embedstream.model.loss.LdmatLoss;
import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.metrics.DetectorConfig;
import io.embedstream.experiments.chart.LineChart;
import io.embedstream.model.train.LearningRateSchedule;
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
 * A configuration that collapses, run with and without the anti-collapse term on the batch features: records the
 * effective rank of a fixed probe set per monitoring window and when the collapse detector raised its alarm.
 */
@Command(name = "collapse", mixinStandardHelpOptions = true,
        description = "Runs a collapsing configuration with and without the anti-collapse term and records the"
                + " probe set's effective rank per window and when the collapse detector alarms (delay in windows).")
public final class CollapseCommand implements Callable<Integer> {

    /** How the run is made to collapse. */
    enum Scenario {
        /** The stream turns into one class; plain softmax or CM alone (LDMAT needs two classes). */
        ONE_CLASS,
        /** LDMAT alone with a tiny margin: every distance is pulled towards (almost) zero. */
        LDMAT,
        /** CM or plain softmax alone at a constant learning rate far too high. */
        HIGH_LR
    }

    @Option(names = "--scenario", defaultValue = "one_class",
            description = "one_class, ldmat or high_lr (default: ${DEFAULT-VALUE}).", converter = ScenarioConverter.class)
    Scenario scenario;

    @Option(names = "--switch-at", defaultValue = "0.3",
            description = "one_class: share of the run after which the stream holds only class 0 (default: ${DEFAULT-VALUE}).")
    double switchAt;

    @Option(names = "--collapse-margin", defaultValue = "0.01",
            description = "ldmat: the tiny LDMAT margin (default: ${DEFAULT-VALUE}).")
    float collapseMargin;

    @Option(names = "--collapse-lr", defaultValue = "2",
            description = "high_lr: the constant learning rate (default: ${DEFAULT-VALUE}).")
    float collapseLr;

    @Option(names = "--loss", defaultValue = "softmax",
            description = "one_class and high_lr: the loss of the 'without' configuration, softmax (plain softmax, whose"
                    + " logits keep growing along the one class: collapses) or cm (CM-M-Softmax: its loss reaches 0 soon"
                    + " after the switch and the rank stops falling) (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--ac-weight", defaultValue = "1",
            description = "Weight of the anti-collapse term on the batch features in the 'with' configuration (default: ${DEFAULT-VALUE}).")
    float acWeight;

    @Option(names = "--rank-fraction", defaultValue = "0.1",
            description = "The detector's collapse threshold: effective rank below this fraction of the embedding size (default: ${DEFAULT-VALUE}).")
    double rankFraction;

    /** The detector's default coding-rate rule: below half its reference. */
    private static final double CODING_RATE_DROP = DetectorConfig.defaults().codingRateFraction();

    @Mixin
    ExperimentOptions options;

    @Mixin
    TrainingOptions training;

    @Spec
    CommandSpec spec;

    /** Accepts scenario names in any case, with - or _. */
    static final class ScenarioConverter implements picocli.CommandLine.ITypeConverter<Scenario> {
        @Override
        public Scenario convert(String value) {
            try {
                return Scenario.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("unknown scenario '" + value
                        + "'; expected one_class, ldmat or high_lr");
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = RunSettings.of(spec);
        options.validate();
        if (!(switchAt >= 0 && switchAt < 1)) {
            throw new IllegalArgumentException("--switch-at must be in [0, 1), got " + switchAt);
        }
        LabeledDataset dataset = options.load();
        ExperimentData data = ExperimentSetup.data(dataset, 0, 0, false, options.probeSize);
        LabeledImage first = dataset.train().get(0);
        long total = ExperimentSetup.totalSteps(options, data.train().size());
        TrainerConfig base = training.trainerConfig(first.height(), first.width(), first.channels(),
                dataset.numClasses(), total);
        ObjectiveConfig without = switch (scenario) {
            case ONE_CLASS, HIGH_LR -> ObjectiveConfig.builder().cm(switch (loss) {
                        case "cm" -> new CmSoftmaxLoss(training.cmScale, training.cmMargin, !training.noContraction, true);
                        case "softmax" -> CmSoftmaxLoss.plainSoftmax();
                        default -> throw new IllegalArgumentException("--loss must be cm or softmax, got " + loss);
                    })
                    .ldmatWeight(0).antiCollapseProxiesWeight(0).antiCollapseFeaturesWeight(0).build();
            case LDMAT -> ObjectiveConfig.builder().cmWeight(0).ldmatWeight(1)
                    .ldmat(new LdmatLoss(collapseMargin, 0)).antiCollapseProxiesWeight(0).build();
        };
        ObjectiveConfig with = without.toBuilder().antiCollapseFeaturesWeight(acWeight)
                .antiCollapseParameters(training.acGamma1, training.acGamma2, training.acEps).build();
        if (scenario == Scenario.HIGH_LR) {
            base = base.toBuilder().schedule(new LearningRateSchedule.Constant(collapseLr)).build();
        }
        Map<String, ObjectiveConfig> configurations = new LinkedHashMap<>();
        configurations.put("without anti-collapse", without);
        configurations.put("with anti-collapse (features)", with);
        long switchStep = scenario == Scenario.ONE_CLASS ? Math.round(total * switchAt) : -1;
        DetectorConfig detector = DetectorConfig.builder().effectiveRankFraction(rankFraction).build();
        int d = base.network().embeddingSize();
        double threshold = rankFraction * d;
        Path out = options.outputDirectory("collapse");
        System.out.printf(Locale.ROOT, "collapse (%s) on %s: %d steps per run%s, windows of %d steps, probe %d"
                        + " images, alarm below effective rank %.1f (%.2f x %d); output %s%n",
                scenario.name().toLowerCase(Locale.ROOT), dataset.name(), total,
                switchStep >= 0 ? ", one class from step " + switchStep : "", options.windowSteps,
                data.probe().size(), threshold, rankFraction, d, out);
        List<RunResult> runs = ExperimentSetup.runAll(configurations, base, options, data, switchStep, detector);

        List<List<String>> rows = new ArrayList<>();
        List<Object> findings = new ArrayList<>();
        for (RunResult r : runs) {
            Map<String, Object> f = findings(r, threshold, switchStep);
            findings.add(f);
            rows.add(List.of(r.configuration(), String.valueOf(r.seed()), fmt1(f.get("first_probe_rank")),
                    fmt1(f.get("min_probe_rank")), fmt1(f.get("last_probe_rank")), str(f.get("collapse_window")),
                    fmt1(f.get("first_probe_coding_rate")), fmt1(f.get("min_probe_coding_rate")),
                    str(f.get("coding_rate_halved_window")), str(f.get("first_alarm")),
                    str(f.get("first_alarm_window")), str(f.get("alarm_delay_windows")),
                    r.evaluation().map(e -> String.format(Locale.ROOT, "%.3f", e.overall().precisionAt1())).orElse("—")));
        }
        List<String> headings = List.of("configuration", "seed", "rank first window", "min rank", "last rank",
                "rank below threshold from window", "coding rate first window", "min coding rate",
                "coding rate halved at window", "first alarm", "alarm at window", "alarm delay (windows)", "final P@1");
        String table = Tables.aligned(headings, rows);
        System.out.println("\n" + table);
        ExperimentReport report = new ExperimentReport("collapse", runs);
        StringBuilder md = new StringBuilder("# Collapse and its detection\n\n");
        md.append(String.format(Locale.ROOT, "Scenario %s on %s, %d steps per run%s; windows of %d steps; probe set of"
                        + " %d clean test images; the detector alarms when the probe's effective rank stays below %.1f"
                        + " (%.2f x d) for 3 windows, or its coding rate below half its peak (EMA) for 3 windows. Delay ="
                        + " alarm window minus the first window where the rank is below the threshold or the coding"
                        + " rate below half its peak so far.%n%n",
                scenario.name().toLowerCase(Locale.ROOT), dataset.name(), total,
                switchStep >= 0 ? " (one class from step " + switchStep + ")" : "", options.windowSteps,
                data.probe().size(), threshold, rankFraction));
        md.append(Tables.markdown(headings, rows)).append('\n');
        for (String subset : report.subsets()) {
            md.append("## Final evaluation, ").append(subset).append(" test images\n\n")
                    .append(report.table(subset, true)).append('\n');
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.md"), md.toString());
        ExperimentSetup.addDerivedSettings(settings, dataset, training, base, configurations);
        settings.put("switch_step", switchStep);
        settings.put("rank_threshold", threshold);
        report.writeJson(out.resolve("results.json"), settings, Map.of("runs", findings));
        LineChart.Builder chart = report.effectiveRankChart("Collapse (" + scenario.name().toLowerCase(Locale.ROOT)
                + "): probe effective rank, " + seedsPhrase())
                .horizontalLine(String.format(Locale.ROOT, "alarm threshold %.1f", threshold), threshold);
        if (switchStep >= 0) {
            chart.verticalLine("stream turns into one class", switchStep);
        }
        for (RunResult r : runs) {
            if (r.firstAlarmWindow().isPresent()) {
                WindowPoint w = r.windows().get(r.firstAlarmWindow().getAsInt());
                chart.verticalLine("alarm: " + r.configuration() + ", seed " + r.seed(), w.step());
            }
        }
        chart.build().write(out.resolve("effective_rank.png"));
        LineChart.Builder rate = report.codingRateChart("Collapse (" + scenario.name().toLowerCase(Locale.ROOT)
                + "): probe coding rate, " + seedsPhrase());
        if (switchStep >= 0) {
            rate.verticalLine("stream turns into one class", switchStep);
        }
        rate.build().write(out.resolve("coding_rate.png"));
        System.out.println("wrote " + out.resolve("results.json") + ", results.md, effective_rank.png, coding_rate.png");
        return 0;
    }

    private String seedsPhrase() {
        return options.seeds == 1 ? "1 seed" : "mean over " + options.seeds + " seeds";
    }

    static Map<String, Object> findings(RunResult r, double threshold, long switchStep) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("configuration", r.configuration());
        f.put("seed", r.seed());
        List<WindowPoint> w = r.windows();
        Integer collapseWindow = null;
        Integer rateDropWindow = null;
        Integer switchWindow = null;
        double min = Double.POSITIVE_INFINITY;
        double peakRate = Double.NEGATIVE_INFINITY;
        for (WindowPoint p : w) {
            min = Math.min(min, p.probeEffectiveRank());
            if (collapseWindow == null && p.probeEffectiveRank() < threshold) {
                collapseWindow = p.window();
            }
            if (rateDropWindow == null && p.probeCodingRate() < CODING_RATE_DROP * peakRate) {
                rateDropWindow = p.window();
            }
            peakRate = Math.max(peakRate, p.probeCodingRate());
            if (switchWindow == null && switchStep >= 0 && p.step() > switchStep) {
                switchWindow = p.window();
            }
        }
        f.put("first_probe_rank", w.isEmpty() ? null : w.get(0).probeEffectiveRank());
        f.put("min_probe_rank", w.isEmpty() ? null : min);
        f.put("last_probe_rank", w.isEmpty() ? null : w.get(w.size() - 1).probeEffectiveRank());
        f.put("collapse_window", collapseWindow);
        f.put("first_probe_coding_rate", w.isEmpty() ? null : w.get(0).probeCodingRate());
        f.put("min_probe_coding_rate", w.stream().mapToDouble(WindowPoint::probeCodingRate).min().orElse(Double.NaN));
        f.put("coding_rate_halved_window", rateDropWindow);
        f.put("switch_window", switchWindow);
        Integer alarm = r.firstAlarmWindow().isPresent() ? r.firstAlarmWindow().getAsInt() : null;
        f.put("first_alarm_window", alarm);
        f.put("first_alarm", alarm == null ? null : w.get(alarm).alarms());
        Integer onset = collapseWindow;
        if (rateDropWindow != null && (onset == null || rateDropWindow < onset)) {
            onset = rateDropWindow;
        }
        f.put("alarm_delay_windows", alarm != null && onset != null ? alarm - onset : null);
        f.put("alarm_delay_from_switch_windows", alarm != null && switchWindow != null ? alarm - switchWindow : null);
        return f;
    }

    private static String fmt1(Object v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.1f", (Double) v);
    }

    private static String str(Object v) {
        return v == null ? "—" : v.toString();
    }
}
