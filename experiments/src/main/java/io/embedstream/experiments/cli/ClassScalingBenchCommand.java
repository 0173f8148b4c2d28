package io.embedstream.experiments.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.wire.ImageHeaders;
import io.embedstream.connectors.wire.ImageRecord;
import io.embedstream.connectors.wire.ImageRecordEncoder;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.cli.JobOptions;
import io.embedstream.pipeline.cli.TrainingOptions;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.job.LocalJob;
import io.embedstream.pipeline.operators.Accumulators;
import io.embedstream.types.LabeledImage;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code embedstream bench-classes}: the whole job (embedded Kafka, MiniCluster, RocksDB, exactly-once sinks) on a
 * stream of string identities ({@code id-000123}, {@code classes.names=true}), once per class count, each
 * identity with K images (more when a run would be too short to measure); prints per class count the size of the last completed checkpoint, the heap after a
 * full collection, the batcher's time per record and the training step time, and how each grows from the smallest
 * class count to the largest (issue 16: they must stay flat or grow sub-linearly).
 */
@Command(name = "bench-classes", mixinStandardHelpOptions = true,
        description = "The job on streams of 100..10,000 string identities: checkpoint size, heap after GC, batcher"
                + " time per record and training step time per class count.")
public final class ClassScalingBenchCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--classes", split = ",", defaultValue = "100,1000",
            description = "Class (identity) counts, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> classCounts;

    @Option(names = "--k", defaultValue = "4",
            description = "Images of a class in a batch (batcher.samples-per-class), and images per identity at the"
                    + " largest class count (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--p", defaultValue = "16",
            description = "Classes in a batch (batcher.classes-per-batch; default: ${DEFAULT-VALUE}).")
    int p;

    @Option(names = "--images-per-identity", defaultValue = "0",
            description = "Images of each identity in the stream (default: 0, meaning --k: the stream of issue 16)."
                    + " A run with fewer than --min-records records gets more images per identity.")
    int imagesPerIdentity;

    @Option(names = "--min-records", defaultValue = "2000",
            description = "Fewest records in a run, so that a small class count still has a steady state to measure"
                    + " (default: ${DEFAULT-VALUE}).")
    int minRecords;

    @Option(names = "--window", defaultValue = "0",
            description = "Order of the stream: 0 shuffles all of it, so an identity's images are spread over the"
                    + " whole run and, past batcher.max-buffered, its buffer may be evicted before it has K; N streams"
                    + " identity after identity, shuffled within blocks of N records (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--side", defaultValue = "16", description = "Side of the grey images (default: ${DEFAULT-VALUE}).")
    int side;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "5000",
            description = "Checkpoint interval (default: ${DEFAULT-VALUE}).")
    long checkpointIntervalMs;

    @Option(names = "--timeout-s", defaultValue = "3600",
            description = "Most seconds a run may take to pass its records through the batcher (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--out", description = "Directory for results.json and results.md (default: print only).")
    Path out;

    @Mixin
    TrainingOptions training;

    @Mixin
    JobOptions job;

    /** The figures of one run. */
    record Run(int classes, int records, int imagesPerIdentity, long checkpointId, long checkpointBytes,
               long checkpointedBytes, long heapBaselineBytes, long heapAfterGcBytes, double residentMiB,
               double batcherMicrosPerRecord, double stepMillis, boolean steadyState, long steps, long batcherDropped,
               double seconds) {}

    @Override
    public Integer call() throws Exception {
        if (classCounts.isEmpty() || classCounts.stream().anyMatch(c -> c < 2)) {
            throw new IllegalArgumentException("--classes needs class counts of at least 2, got " + classCounts);
        }
        if (k < 1 || p < 2) {
            throw new IllegalArgumentException("--k must be >= 1 and --p >= 2, got " + k + " and " + p);
        }
        int perIdentity = imagesPerIdentity > 0 ? imagesPerIdentity : k;
        System.out.printf(Locale.ROOT, "bench-classes: %s classes, %d images per identity (at least %,d records a"
                + " run), %s, %dx%d grey, P=%d K=%d%n", classCounts, perIdentity, minRecords,
                window > 0 ? "shuffled within blocks of " + window + " records" : "all shuffled", side, side, p, k);
        List<Run> runs = new ArrayList<>();
        for (int classes : classCounts) {
            Run run = run(classes, Math.max(perIdentity, (minRecords + classes - 1) / classes));
            runs.add(run);
            System.out.printf(Locale.ROOT, "  %,d classes: checkpoint %,d bytes, heap after GC %.1f MiB, batcher"
                            + " %.1f us/record, step %.1f ms (%d steps), %.0f s%n", classes, run.checkpointBytes(),
                    run.heapAfterGcBytes() / 1048576.0, run.batcherMicrosPerRecord(), run.stepMillis(), run.steps(),
                    run.seconds());
        }
        String table = table(runs);
        System.out.println();
        System.out.print(table);
        System.out.println();
        System.out.print(growth(runs));
        ObjectNode root = json(runs, perIdentity);
        System.out.println(JSON.writeValueAsString(root));
        if (out != null) {
            Files.createDirectories(out);
            JSON.writeValue(out.resolve("results.json").toFile(), root);
            Files.writeString(out.resolve("results.md"), markdown(runs) + "\n" + growth(runs));
        }
        return 0;
    }

    private Run run(int classes, int perIdentity) throws Exception {
        List<LabeledImage> images = new SyntheticIdentities(side, training.seed).stream(classes, perIdentity, window);
        TrainerConfig trainer = training.trainerConfig(side, side, 1, classes, Long.MAX_VALUE / 4);
        Properties defaults = new Properties();
        Path work = Files.createTempDirectory("embedstream-bench-classes");
        try {
            defaults.setProperty("runtime.checkpoint-dir", work.resolve("checkpoints").toUri().toString());
            defaults.setProperty("runtime.checkpoint-interval-ms", Long.toString(checkpointIntervalMs));
            defaults.setProperty("classes.names", "true");
            defaults.setProperty("batcher.samples-per-class", Integer.toString(k));
            defaults.setProperty("batcher.classes-per-batch", Integer.toString(p));
            // Every record to the trainer: the gate's held-out share would take some past the batcher.
            defaults.setProperty("holdout.share", "0");
            // Kafka's default 1 MiB records suffice at any class count: the class table travels in 512 KiB chunks.
            PipelineConfig base = job.pipelineConfig(trainer, defaults);
            long start = System.nanoTime();
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
                PipelineConfig config = base.withKafka(base.kafka().withBootstrapServers(broker.bootstrapServers())
                        .withGroupId("bench-classes-" + classes + "-" + System.nanoTime()));
                broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                        config.kafka().modelsTopic(), config.kafka().metricsTopic());
                send(broker.bootstrapServers(), config.kafka().imagesTopic(), images);
                int sent = images.size();
                images = null; // the stream is in Kafka now; its copy here would count in the heap
                long baseline = heapAfterGc();

                int restPort = freePort();
                Configuration flink = new Configuration();
                flink.set(RestOptions.BIND_PORT, Integer.toString(restPort));
                flink.set(RestOptions.ADDRESS, "localhost");
                JobClient client = LocalJob.start(config, null, flink);
                try {
                    return measure(client, new FlinkCheckpoints(restPort), classes, sent, perIdentity, baseline, start);
                } finally {
                    LocalJob.cancelAndAwait(client);
                }
            }
        } finally {
            // Checkpoints of a bench run are of no use after it; left behind, they fill the temp directory run by run.
            FileUtils.deleteDirectoryQuietly(work.toFile());
        }
    }

    private Run measure(JobClient client, FlinkCheckpoints checkpoints, int classes, int sent, int perIdentity,
                        long baseline, long start) throws Exception {
        // Steady state: from 20% of the records through the batcher to all of them, leaving out the start (class
        // loading, JIT, the first checkpoints); the accumulators of the batcher and of the trainer chained to it
        // come from one task, so each reading is consistent.
        long[] first = null;
        long[] last;
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (true) {
            last = readings(client.getAccumulators().get());
            if (first == null && last[0] >= sent / 5) {
                first = last;
            }
            if (last[0] + last[5] >= sent) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the batcher took in " + last[0] + " of " + sent + " records in "
                        + timeoutSeconds + " s (--timeout-s)");
            }
            Thread.sleep(200);
        }
        if (last[5] > 0) {
            throw new IllegalStateException(last[5] + " of " + sent + " records were dead-lettered; the bench needs"
                    + " every record in the batcher");
        }
        long drained = System.currentTimeMillis();
        double seconds = (System.nanoTime() - start) / 1e9;
        FlinkCheckpoints.Completed checkpoint = null;
        while (checkpoint == null) {
            Optional<FlinkCheckpoints.Completed> latest = checkpoints.latest(client.getJobID().toHexString());
            if (latest.isPresent() && latest.get().triggerMillis() > drained) {
                checkpoint = latest.get();
            } else if (System.nanoTime() > deadline + 10L * checkpointIntervalMs * 1_000_000L) {
                throw new IllegalStateException("no checkpoint completed after the stream was drained");
            } else {
                Thread.sleep(200);
            }
        }
        long heap = heapAfterGc();
        // The accumulators reach the client with the heartbeats: in a run too short for them to be read at least
        // halfway through, or one too short for steps after 20%, the figures are over the whole run.
        boolean steady = last[0] - first[0] >= sent / 2 && last[2] > first[2];
        long[] from = steady ? first : new long[last.length];
        double batcherMicros = (last[1] - from[1]) / 1e3 / Math.max(1, last[0] - from[0]);
        double stepMillis = (last[3] - from[3]) / 1e6 / Math.max(1, last[2] - from[2]);
        return new Run(classes, sent, perIdentity, checkpoint.id(), checkpoint.stateBytes(),
                checkpoint.checkpointedBytes(), baseline, heap, residentMiB(), batcherMicros, stepMillis, steady, last[2],
                last[4], seconds);
    }

    /** Batcher records and nanoseconds, trainer steps and their nanoseconds, dropped, dead-lettered. */
    private static long[] readings(Map<String, Object> acc) {
        return new long[] {Accumulators.value(acc, Accumulators.BATCHER_INGESTED),
                Accumulators.value(acc, Accumulators.BATCHER_NANOS), Accumulators.value(acc, Accumulators.TRAINER_STEPS),
                Accumulators.value(acc, Accumulators.TRAINER_STEP_NANOS),
                Accumulators.value(acc, Accumulators.BATCHER_DROPPED),
                Accumulators.value(acc, Accumulators.DEAD_LETTERED)};
    }

    /** Each image with its identity's name in the label header, as a producer of string identities sends it. */
    private static void send(String bootstrap, String topic, List<LabeledImage> images) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        ImageRecordEncoder encoder = ImageRecordEncoder.raw();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (LabeledImage image : images) {
                ImageRecord record = encoder.encode(image);
                ImageRecord named = new ImageRecord(record.key(), record.value(), record.headers().with(
                        ImageHeaders.LABEL, SyntheticIdentities.name(image.label()).getBytes(StandardCharsets.UTF_8)));
                producer.send(named.toProducerRecord(topic), (metadata, e) -> {
                    if (e == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (acknowledged.get() != images.size()) {
            throw new IllegalStateException("the broker acknowledged " + acknowledged.get() + " of " + images.size()
                    + " records", failure.get());
        }
    }

    private static long heapAfterGc() {
        // Two collections: the first may only queue finalizable and weakly reachable objects for the second.
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double residentMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static final List<String> HEADINGS = List.of("classes", "records", "images/identity", "checkpoint bytes",
            "heap after GC MiB", "heap growth MiB", "RSS MiB", "batcher us/record", "step ms", "steps", "dropped");

    private static List<List<String>> rows(List<Run> runs) {
        List<List<String>> rows = new ArrayList<>();
        for (Run r : runs) {
            rows.add(List.of(String.format(Locale.ROOT, "%,d", r.classes()), String.format(Locale.ROOT, "%,d", r.records()),
                    Integer.toString(r.imagesPerIdentity()), String.format(Locale.ROOT, "%,d", r.checkpointBytes()),
                    String.format(Locale.ROOT, "%.1f", r.heapAfterGcBytes() / 1048576.0),
                    String.format(Locale.ROOT, "%.1f", (r.heapAfterGcBytes() - r.heapBaselineBytes()) / 1048576.0),
                    String.format(Locale.ROOT, "%.0f", r.residentMiB()),
                    String.format(Locale.ROOT, "%.1f", r.batcherMicrosPerRecord()),
                    String.format(Locale.ROOT, "%.1f", r.stepMillis()), Long.toString(r.steps()),
                    String.format(Locale.ROOT, "%,d", r.batcherDropped())));
        }
        return rows;
    }

    static String table(List<Run> runs) {
        return Tables.aligned(HEADINGS, rows(runs));
    }

    static String markdown(List<Run> runs) {
        return Tables.markdown(HEADINGS, rows(runs));
    }

    /**
     * How each figure grows from the smallest class count to the largest: the ratio, and the exponent b of
     * figure ~ classes^b between the two (flat below 0.1, sub-linear below 0.9, else linear or worse).
     */
    static String growth(List<Run> runs) {
        Run small = runs.stream().min(java.util.Comparator.comparingInt(Run::classes)).orElseThrow();
        Run large = runs.stream().max(java.util.Comparator.comparingInt(Run::classes)).orElseThrow();
        if (small.classes() == large.classes()) {
            return "";
        }
        double classRatio = (double) large.classes() / small.classes();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "growth from %,d to %,d classes (x%.0f):%n",
                small.classes(), large.classes(), classRatio));
        line(sb, "checkpoint size", small.checkpointBytes(), large.checkpointBytes(), classRatio);
        line(sb, "heap after GC", small.heapAfterGcBytes(), large.heapAfterGcBytes(), classRatio);
        line(sb, "batcher time per record", small.batcherMicrosPerRecord(), large.batcherMicrosPerRecord(), classRatio);
        line(sb, "training step time", small.stepMillis(), large.stepMillis(), classRatio);
        return sb.toString();
    }

    private static void line(StringBuilder sb, String name, double small, double large, double classRatio) {
        double ratio = large / small;
        double exponent = Math.log(ratio) / Math.log(classRatio);
        String verdict = exponent < 0.1 ? "flat" : exponent < 0.9 ? "sub-linear" : "linear or worse";
        sb.append(String.format(Locale.ROOT, "  %-24s x%.2f (exponent %.2f): %s%n", name, ratio, exponent, verdict));
    }

    /** Every option as parsed (the training options too), the commit and the date, by {@link RunSettings}. */
    private ObjectNode json(List<Run> runs, int perIdentity) {
        ObjectNode root = JSON.createObjectNode();
        root.put("command", "bench-classes");
        Map<String, Object> settings = RunSettings.of(spec);
        settings.put("imagesPerIdentity", perIdentity);
        settings.put("cpus", Runtime.getRuntime().availableProcessors());
        root.set("settings", JSON.valueToTree(settings));
        ArrayNode array = root.putArray("runs");
        for (Run r : runs) {
            array.add(JSON.valueToTree(r));
        }
        return root;
    }
}
