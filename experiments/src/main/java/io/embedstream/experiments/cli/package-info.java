/**
 * The commands that measure rather than run the product: {@code experiment ablation | quality-imbalance | collapse},
 * {@code eval} of a published version, and the benchmarks {@code bench}, {@code bench-pipeline} and
 * {@code bench-swap}. Each writes its figures with every setting it ran with, so a result can be reproduced.
 */
package io.embedstream.experiments.cli;
