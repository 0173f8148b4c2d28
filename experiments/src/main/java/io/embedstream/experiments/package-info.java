/**
 * Learning-quality experiments without Flink or Kafka: {@link io.embedstream.experiments.ExperimentRunner}
 * trains one configuration with the {@link io.embedstream.model.train.FitLoop}, watches a fixed probe set with the
 * window metrics and the collapse detector, and evaluates the final model with the
 * {@link io.embedstream.model.eval.RetrievalEvaluator}; {@link io.embedstream.experiments.ObjectiveVariants}
 * names the objectives the ablation compares. The command line ({@code embedstream experiment ...}) repeats runs
 * over configurations and seeds and writes the reports.
 */
package io.embedstream.experiments;
