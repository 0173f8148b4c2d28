package io.embedstream.experiments.cli;

import io.embedstream.pipeline.cli.Datasets;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.model.eval.QualityBucket;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Size, seeds and output options shared by the experiment commands. */
public final class ExperimentOptions {

    @Option(names = "--dataset", defaultValue = "synthetic",
            description = Datasets.FORMS + " (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--epochs", defaultValue = "5", description = "Passes over the training split per run (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps", defaultValue = "0", description = "Stop each run after this many steps; 0 = all epochs (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seeds", defaultValue = "3", description = "Runs per configuration, with seeds first-seed, first-seed+1, ... (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "1", description = "Trainer seed of the first run (default: ${DEFAULT-VALUE}).")
    long firstSeed;

    @Option(names = "--window-steps", defaultValue = "10",
            description = "Steps per monitoring window: the probe set is embedded and measured, the collapse detector fed (default: ${DEFAULT-VALUE}).")
    int windowSteps;

    @Option(names = "--probe-size", defaultValue = "256", description = "Clean test images in the fixed probe set (default: ${DEFAULT-VALUE}).")
    int probeSize;

    @Option(names = "--strong-from", defaultValue = "" + QualityBucket.DEFAULT_STRONG_FROM,
            description = "Degradation severity from which a test image counts as strongly degraded, below it mildly (default: ${DEFAULT-VALUE}).")
    double strongFrom;

    @Option(names = "--validation", defaultValue = "0",
            description = "Hold out this many training images as the query set and leave the test split unused,"
                    + " to choose settings without looking at it; 0 = evaluate on the test split (default: ${DEFAULT-VALUE}).")
    int validation;

    @Option(names = "--out", description = "Output directory for results.json, results.md and the PNG plots (default: experiment-results/<experiment>).")
    Path out;

    /** The dataset of {@code --dataset}, or its validation split when {@code --validation} is set. */
    LabeledDataset load() throws java.io.IOException {
        LabeledDataset dataset = Datasets.load(this.dataset);
        // Fixed split seed: every configuration and every trainer seed sees the same held-out images.
        return validation > 0 ? dataset.validationSplit(validation, 13) : dataset;
    }

    void validate() {
        if (epochs < 1 || steps < 0 || batch < 2 || seeds < 1 || windowSteps < 1 || probeSize < 2 || validation < 0) {
            throw new IllegalArgumentException("need --epochs >= 1, --steps >= 0, --batch >= 2, --seeds >= 1,"
                    + " --window-steps >= 1, --probe-size >= 2 and --validation >= 0");
        }
    }

    Path outputDirectory(String experiment) {
        return out != null ? out : Path.of("experiment-results", experiment);
    }
}
