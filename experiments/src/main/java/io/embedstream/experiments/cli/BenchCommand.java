package io.embedstream.experiments.cli;

import io.embedstream.pipeline.cli.TrainingOptions;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.net.HostTransfers;
import io.embedstream.model.net.OperatorProfiler;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.model.train.TrainingBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Training-step throughput of the default network with the full objective and with each term removed or alone,
 * measured in one process with the configurations interleaved round by round, so that a noisy shared machine
 * affects them alike; prints the median images/s of each and its ratio to the full objective.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Training-step images/s at a given batch size for the full objective and with/without each loss term.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps per configuration (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--steps", defaultValue = "4", description = "Timed steps per configuration per round (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--profile-steps", defaultValue = "0",
            description = "After the rounds, profile this many steps of the full objective with PyTorch's operator"
                    + " profiler and print the self time per operator (default: ${DEFAULT-VALUE}, off).")
    int profileSteps;

    @Option(names = "--profile-trace", paramLabel = "FILE",
            description = "Keep the profiler's Chrome trace here (default: a temporary file, deleted).")
    java.nio.file.Path profileTrace;

    @Mixin
    TrainingOptions training;

    @Override
    public Integer call() throws java.io.IOException {
        Map<String, ObjectiveConfig> variants = variants(training.objective());
        List<LabeledImage> images = SyntheticShapes.builder().seed(1).build().generate(batch * 4);
        LabeledImage first = images.get(0);
        Map<String, EmbeddingTrainer> trainers = new LinkedHashMap<>();
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, ObjectiveConfig> v : variants.entrySet()) {
                TrainerConfig config = training.trainerConfig(first.height(), first.width(), first.channels(), 10, 1000)
                        .toBuilder().objective(v.getValue()).build();
                trainers.put(v.getKey(), EmbeddingTrainer.create(config));
                rates.put(v.getKey(), new ArrayList<>());
            }
            System.out.printf(Locale.ROOT, "bench: %s, batch %d, device %s, %d rounds x %d steps per configuration%n",
                    trainers.values().iterator().next().config().network().describe(), batch,
                    trainers.values().iterator().next().model().device(), rounds, steps);
            for (EmbeddingTrainer trainer : trainers.values()) {
                for (int i = 0; i < warmup; i++) {
                    trainer.step(batchAt(images, i));
                }
            }
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, EmbeddingTrainer> t : trainers.entrySet()) {
                    long start = System.nanoTime();
                    for (int i = 0; i < steps; i++) {
                        t.getValue().step(batchAt(images, round * steps + i));
                    }
                    rates.get(t.getKey()).add(steps * batch / ((System.nanoTime() - start) / 1e9));
                }
            }
            if (profileSteps > 0) {
                profile(trainers.get("full objective"), images);
            }
        } finally {
            trainers.values().forEach(EmbeddingTrainer::close);
        }
        double full = median(rates.get("full objective"));
        System.out.printf(Locale.ROOT, "%-28s %12s %10s %s%n", "configuration", "median img/s", "vs full", "all rounds");
        rates.forEach((name, r) -> System.out.printf(Locale.ROOT, "%-28s %12.1f %10.2f %s%n", name, median(r),
                median(r) / full, r.stream().map(x -> String.format(Locale.ROOT, "%.0f", x)).toList()));
        return 0;
    }

    /** Self time per operator over {@code profileSteps} steps, and what the convolutions alone allow. */
    private void profile(EmbeddingTrainer trainer, List<LabeledImage> images) throws java.io.IOException {
        java.nio.file.Path trace = profileTrace != null ? profileTrace
                : java.nio.file.Files.createTempFile("embedstream-profile", ".json");
        try {
            long readsBefore = HostTransfers.reads();
            long bytesBefore = HostTransfers.readBytes();
            OperatorProfiler.start();
            for (int i = 0; i < profileSteps; i++) {
                trainer.step(batchAt(images, i));
            }
            OperatorProfiler.stop(trace);
            double reads = (HostTransfers.reads() - readsBefore) / (double) profileSteps;
            double readBytes = (HostTransfers.readBytes() - bytesBefore) / (double) profileSteps;
            Map<String, Integer> counts = OperatorTimes.counts(trace);
            System.out.printf(Locale.ROOT, "device-to-host copies per step: %.1f (%.0f bytes) read through"
                            + " HostTransfers; profiler events per step: aten::item %.1f, aten::_local_scalar_dense"
                            + " %.1f%n", reads, readBytes,
                    perStep(counts, "aten::item"), perStep(counts, "aten::_local_scalar_dense"));
            Map<String, Double> self = OperatorTimes.selfMicros(trace);
            double total = self.values().stream().mapToDouble(Double::doubleValue).sum() / profileSteps / 1000;
            double conv = self.entrySet().stream().filter(e -> e.getKey().contains("convolution"))
                    .mapToDouble(Map.Entry::getValue).sum() / profileSteps / 1000;
            System.out.printf(Locale.ROOT, "profile of %d full-objective steps: %.1f ms of native operators per step;"
                            + " convolutions %.1f ms (%.0f%%), so at most %.0f images/s with every other operator"
                            + " free%n", profileSteps, total, conv, 100 * conv / total, batch / (conv / 1000));
            System.out.printf(Locale.ROOT, "%-50s %10s %7s%n", "operator (self time)", "ms/step", "share");
            self.entrySet().stream().limit(12).forEach(e -> System.out.printf(Locale.ROOT, "%-50s %10.1f %6.1f%%%n",
                    e.getKey(), e.getValue() / profileSteps / 1000, 100 * e.getValue() / profileSteps / 1000 / total));
        } finally {
            if (profileTrace == null) {
                java.nio.file.Files.deleteIfExists(trace);
            }
        }
    }

    private double perStep(Map<String, Integer> counts, String name) {
        return counts.getOrDefault(name, 0) / (double) profileSteps;
    }

    private TrainingBatch batchAt(List<LabeledImage> images, int index) {
        int offset = (index % 4) * batch;
        return TrainingBatch.of(images.subList(offset, offset + batch));
    }

    private static Map<String, ObjectiveConfig> variants(ObjectiveConfig full) {
        Map<String, ObjectiveConfig> v = new LinkedHashMap<>();
        v.put("full objective", full);
        v.put("plain softmax", ObjectiveConfig.plainSoftmax());
        v.put("CM only", full.toBuilder().ldmatWeight(0).antiCollapseProxiesWeight(0).antiCollapseFeaturesWeight(0).build());
        v.put("full without LDMAT", full.toBuilder().ldmatWeight(0).build());
        v.put("full without anti-collapse", full.toBuilder().antiCollapseProxiesWeight(0).antiCollapseFeaturesWeight(0).build());
        v.put("full + anti-collapse features", full.toBuilder().antiCollapseFeaturesWeight(1).build());
        return v;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
