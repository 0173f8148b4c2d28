package io.embedstream.experiments.cli;

import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.dataset.DatasetProducer;
import io.embedstream.connectors.model.AssemblyResult;
import io.embedstream.connectors.model.ModelAssembler;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.net.IntraOpThreads;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.FitLoop;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.cli.Datasets;
import io.embedstream.pipeline.cli.JobOptions;
import io.embedstream.pipeline.cli.TrainingOptions;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.config.RuntimeSettings;
import io.embedstream.pipeline.job.LocalJob;
import io.embedstream.pipeline.operators.Accumulators;
import io.embedstream.types.LabeledImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code embedstream bench-pipeline}: in one process, the trainer alone (the {@code fit} path) and then the whole
 * pipeline (embedded Kafka, MiniCluster, RocksDB, exactly-once sinks) on the same images with the same batch size;
 * prints both images/s, their ratio, and the publish latency: from the step that made a version to a
 * read-committed consumer seeing it.
 */
@Command(name = "bench-pipeline", mixinStandardHelpOptions = true,
        description = "Trainer alone vs the whole pipeline on the same images: images/s, ratio, publish latency.")
public final class PipelineBenchCommand implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "38400", description = "Images for each run (default: ${DEFAULT-VALUE}; the pipeline's figure is taken from 20%% to 90%% of them, and shorter runs still include the JIT compiling Flink's and Kafka's code).")
    int images;

    @Option(names = "--dataset", paramLabel = "SPEC",
            description = "Images to train on, any dataset form of the other commands (" + Datasets.FORMS + "); its"
                    + " train split is used, repeated when it holds fewer than --images (default: 28x28 grey"
                    + " synthetic shapes, 10 classes).")
    String dataset;

    @Option(names = "--publish-every-steps", defaultValue = "100",
            description = "Publish a model version every N steps in the pipeline run; the job's default is 100, fewer"
                    + " steps give more publish-latency samples and cost more (default: ${DEFAULT-VALUE}).")
    long publishEverySteps;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "10000",
            description = "Checkpoint interval of the pipeline run; under exactly-once it bounds publish latency"
                    + " (default: ${DEFAULT-VALUE}, the job's default).")
    long checkpointIntervalMs;

    @Mixin
    TrainingOptions training;

    @Mixin
    JobOptions job;

    @Override
    public Integer call() throws Exception {
        List<LabeledImage> data;
        int classes;
        if (dataset == null) {
            data = SyntheticShapes.builder().seed(3).build().generate(images);
            classes = 10;
        } else {
            LabeledDataset loaded = Datasets.load(dataset);
            data = repeated(loaded.train(), images);
            classes = loaded.numClasses();
        }
        LabeledImage first = data.get(0);
        TrainerConfig trainer = training.trainerConfig(first.height(), first.width(), first.channels(), classes,
                Long.MAX_VALUE / 4);
        System.out.printf(Locale.ROOT, "images: %,d of %dx%dx%d, %d classes, network %s%n", data.size(),
                first.width(), first.height(), first.channels(), classes, trainer.network().describe());
        Properties defaults = new Properties();
        Path work = Files.createTempDirectory("embedstream-bench");
        try {
            defaults.setProperty("runtime.checkpoint-dir", work.resolve("checkpoints").toUri().toString());
            defaults.setProperty("publish.every-steps", Long.toString(publishEverySteps));
            defaults.setProperty("runtime.checkpoint-interval-ms", Long.toString(checkpointIntervalMs));
            PipelineConfig base = job.pipelineConfig(trainer, defaults);
            int batch = base.batcher().batchSize();

            // Trainer alone: the same batch size, the same images, the same operator threads, after a warm-up.
            int threads = RuntimeSettings.trainerThreadsOn(base.runtime().trainerThreads(),
                    Runtime.getRuntime().availableProcessors());
            IntraOpThreads.setForCurrentThread(threads);
            double alone;
            double aloneStepMillis;
            try (EmbeddingTrainer t = EmbeddingTrainer.create(trainer)) {
                FitLoop loop = new FitLoop(t, batch);
                loop.run(data.subList(0, batch * 3), null, 1, 3, null);
                long start = System.nanoTime();
                long steps = loop.run(data, null, 1, 0, null);
                double seconds = (System.nanoTime() - start) / 1e9;
                alone = steps * batch / seconds;
                aloneStepMillis = 1e3 * seconds / steps;
            }
            System.out.printf(Locale.ROOT, "trainer alone: %.1f images/s (batch %d, %,d images, %d operator threads)%n",
                    alone, batch, images, threads);

            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
                PipelineConfig config = base.withKafka(base.kafka().withBootstrapServers(broker.bootstrapServers()));
                broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                        config.kafka().modelsTopic(), config.kafka().metricsTopic());
                try (DatasetProducer producer = DatasetProducer.builder().bootstrapServers(broker.bootstrapServers())
                        .topic(config.kafka().imagesTopic()).build()) {
                    producer.send(data.iterator());
                }
                List<Long> latencies = new ArrayList<>();
                java.util.concurrent.atomic.AtomicBoolean stopWatching = new java.util.concurrent.atomic.AtomicBoolean();
                Thread watcher = watchVersions(config, latencies, stopWatching);
                JobClient client = LocalJob.start(config, null);
                // Steady state, as for the trainer alone: from 20% of the images trained to 90%, leaving out the
                // start (class loading, JIT, first checkpoints) and the drain at the end.
                long firstTrained = 0;
                long firstTime = 0;
                long done;
                Map<String, Object> firstAcc = Map.of();
                Map<String, Object> acc;
                while (true) {
                    acc = client.getAccumulators().get();
                    // Held-out images (holdout.share) pass decode and quality and go to the promotion gate, not the trainer.
                    done = Accumulators.value(acc, Accumulators.TRAINED_FRESH) + Accumulators.value(acc, Accumulators.BATCHER_DROPPED)
                            + Accumulators.value(acc, Accumulators.HELD_OUT);
                    if (firstTime == 0 && done >= images / 5) {
                        firstTrained = done;
                        firstTime = System.nanoTime();
                        firstAcc = acc;
                    }
                    if (done >= images * 9L / 10) {
                        break;
                    }
                    Thread.sleep(100);
                }
                long wallNanos = System.nanoTime() - firstTime;
                double pipeline = (done - firstTrained) / (wallNanos / 1e9);
                StepTimes inPipeline = StepTimes.between(firstAcc, acc, wallNanos);
                Thread.sleep(config.runtime().checkpointIntervalMillis() * 2L);
                LocalJob.cancelAndAwait(client);
                stopWatching.set(true);
                watcher.join();
                System.out.printf(Locale.ROOT, "whole pipeline: %.1f images/s (decode, quality, batcher in RocksDB, trainer,"
                        + " metrics, exactly-once sinks)%n", pipeline);
                System.out.printf(Locale.ROOT, "ratio pipeline / trainer alone: %.2f%n", pipeline / alone);
                // Where a gap comes from: steps that take longer (the trainer shares its cores) or time between steps.
                System.out.printf(Locale.ROOT, "training step: %.1f ms alone, %.1f ms in the pipeline (%d steps); the"
                                + " pipeline's trainer spent %.0f%% of the interval in steps and its batcher %.0f%%%n",
                        aloneStepMillis, inPipeline.stepMillis(), inPipeline.steps(), 100 * inPipeline.stepShare(),
                        100 * inPipeline.batcherShare());
                long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                if (sorted.length > 0) {
                    System.out.printf(Locale.ROOT, "publish latency (step that made version v -> read-committed consumer"
                                    + " sees v), checkpoint interval %d ms: median %d ms, max %d ms over %d versions %s%n",
                            config.runtime().checkpointIntervalMillis(), sorted[sorted.length / 2], sorted[sorted.length - 1],
                            sorted.length, Arrays.toString(sorted));
                }
            }
            return 0;
        } finally {
            // Checkpoints of a bench run are of no use after it; left behind, they fill the temp directory run by run.
            FileUtils.deleteDirectoryQuietly(work.toFile());
        }
    }

    /** The first {@code count} images of {@code source} taken round and round. */
    private static List<LabeledImage> repeated(List<LabeledImage> source, int count) {
        if (source.isEmpty()) {
            throw new IllegalArgumentException("the dataset's train split is empty");
        }
        List<LabeledImage> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(source.get(i % source.size()));
        }
        return out;
    }

    private static Thread watchVersions(PipelineConfig config, List<Long> latencies,
                                        java.util.concurrent.atomic.AtomicBoolean stop) {
        Properties p = new Properties();
        p.put("bootstrap.servers", config.kafka().bootstrapServers());
        p.put("group.id", "bench-watcher");
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed");
        Thread t = new Thread(() -> {
            ModelAssembler assembler = ModelAssembler.builder().build();
            try (KafkaConsumer<byte[], byte[]> consumer =
                         new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(config.kafka().modelsTopic()));
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        if (assembler.accept(r) instanceof AssemblyResult.Completed c) {
                            long seen = System.currentTimeMillis();
                            synchronized (latencies) {
                                latencies.add(seen - c.model().manifest().createdAt().toEpochMilli());
                            }
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                // Asked to stop.
            }
        }, "version-watcher");
        t.start();
        return t;
    }

    /** The trainer's and batcher's accumulated times over the measured interval of the pipeline run. */
    private record StepTimes(long steps, double stepMillis, double stepShare, double batcherShare) {
        static StepTimes between(Map<String, Object> first, Map<String, Object> last, long wallNanos) {
            long steps = Accumulators.value(last, Accumulators.TRAINER_STEPS)
                    - Accumulators.value(first, Accumulators.TRAINER_STEPS);
            long stepNanos = Accumulators.value(last, Accumulators.TRAINER_STEP_NANOS)
                    - Accumulators.value(first, Accumulators.TRAINER_STEP_NANOS);
            long batcherNanos = Accumulators.value(last, Accumulators.BATCHER_NANOS)
                    - Accumulators.value(first, Accumulators.BATCHER_NANOS);
            return new StepTimes(steps, steps > 0 ? stepNanos / 1e6 / steps : Double.NaN,
                    (double) stepNanos / wallNanos, (double) batcherNanos / wallNanos);
        }
    }
}
