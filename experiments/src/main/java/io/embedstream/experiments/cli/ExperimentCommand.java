package io.embedstream.experiments.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The learning-quality experiments: each trains several configurations over several seeds and evaluates them. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Learning-quality experiments (no Flink or Kafka): ablation of the loss terms, quality"
                + " imbalance, collapse and its detection, drift detection on a real shift. Each writes results.json,"
                + " results.md and PNG plots.",
        subcommands = {AblationCommand.class, QualityImbalanceCommand.class, CollapseCommand.class, DriftCommand.class,
                CompatCommand.class, VersusPytorchCommand.class, ClassIncrementalCommand.class,
                NewClassCommand.class})
public final class ExperimentCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
