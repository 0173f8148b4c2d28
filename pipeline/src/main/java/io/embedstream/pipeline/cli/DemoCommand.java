package io.embedstream.pipeline.cli;

import io.embedstream.connectors.dataset.DatasetProducer;
import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.model.ModelDirectoryReader;
import io.embedstream.connectors.model.PromotionRecord;
import io.embedstream.connectors.model.PublishedModel;
import io.embedstream.connectors.wire.metrics.MetricsRecord;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.eval.KnnEvaluator;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.train.Devices;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.dashboard.DashboardServer;
import io.embedstream.pipeline.dashboard.MetricsHistory;
import io.embedstream.pipeline.job.LocalJob;
import io.embedstream.pipeline.operators.Accumulators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code embedstream demo}: the main job on the embedded default. A real Kafka broker and a Flink MiniCluster
 * (RocksDB, checkpoints, exactly-once sinks) in this process, fed with a built-in dataset.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the streaming job on the embedded default: a local Kafka broker, a Flink MiniCluster with"
                + " RocksDB and checkpoints, and a built-in stream of labeled images with a share of degraded ones."
                + " Stops after --images or on Ctrl-C and prints a summary.")
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--images", defaultValue = "20000", description = "Images to stream (default: ${DEFAULT-VALUE}).")
    long images;

    @Option(names = "--dataset", defaultValue = "synthetic",
            description = Datasets.FORMS + " (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--degraded-share", defaultValue = "0.2", description = "Share of degraded images (default: ${DEFAULT-VALUE}).")
    double degradedShare;

    @Option(names = "--order", defaultValue = "shuffled", paramLabel = "shuffled|stored",
            description = "Order of the images within each pass over the dataset: a fresh shuffle per pass, as fit's"
                    + " epochs, or the stored order (default: ${DEFAULT-VALUE}).")
    String order;

    @Option(names = "--schedule-steps", defaultValue = "0",
            description = "Steps over which --schedule runs (a cosine decays to its min at this step); 0 = --images over"
                    + " the batch size, the steps the budget's fresh images fill (default: ${DEFAULT-VALUE}).")
    long scheduleSteps;

    @Option(names = "--rate", defaultValue = "0", description = "Images per second into Kafka; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--work-dir", defaultValue = "embedstream-demo",
            description = "Kafka data, checkpoints and published models go here (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--minutes", defaultValue = "0",
            description = "Also stop after this many minutes; 0 = no time limit (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--soak-csv", paramLabel = "FILE",
            description = "Write a sample of memory, checkpoint size and counters every --sample-seconds to this CSV.")
    Path soakCsv;

    @Option(names = "--sample-seconds", defaultValue = "60",
            description = "Interval of the --soak-csv samples (default: ${DEFAULT-VALUE}).")
    double sampleSeconds;

    @Option(names = "--no-eval", description = "Skip the held-out evaluation of the served (and newest) model version.")
    boolean noEval;

    @Option(names = "--dashboard", arity = "0..1", fallbackValue = "8090", paramLabel = "PORT",
            description = "Serve the live dashboard (as the dashboard command does) on http://127.0.0.1:PORT during the"
                    + " run and after it until Ctrl-C; PORT is 8090 when left out (default: no dashboard).")
    Integer dashboardPort;

    @Mixin
    TrainingOptions training;

    @Mixin
    JobOptions job;

    private StreamFigures figures;

    /**
     * The training rate of a finished run, for a caller that runs the demo in process (experiment versus-pytorch):
     * fresh images trained between the first poll that saw a trained image and the poll that saw the budget consumed,
     * over that time; the job's start, the first step and the closing checkpoint are outside it.
     *
     * @param timedImages  fresh images trained within the timed interval
     * @param seconds      the timed interval
     * @param trainedFresh fresh images trained in all
     * @param trainerSteps the training steps the trainer ran (applied or skipped by its guard)
     */
    public record StreamFigures(long timedImages, double seconds, long trainedFresh, long trainerSteps) {
        public double imagesPerSecond() {
            return timedImages / seconds;
        }
    }

    /** The last run's training rate, or null when nothing was trained long enough to time. */
    public StreamFigures figures() {
        return figures;
    }

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        StreamOrder imageOrder = StreamOrder.parse("--order", order);
        LabeledDataset data = Datasets.load(dataset);
        LabeledImage first = data.train().get(0);
        if (scheduleSteps < 0) {
            throw new IllegalArgumentException("--schedule-steps must be >= 0 (0 = the image budget over the batch"
                    + " size), got " + scheduleSteps);
        }
        Path work = workDir.toAbsolutePath();
        Files.createDirectories(work);
        Properties defaults = new Properties();
        defaults.setProperty("runtime.checkpoint-dir", work.resolve("checkpoints").toUri().toString());
        defaults.setProperty("runtime.checkpoint-interval-ms", "5000");
        defaults.setProperty("publish.model-dir", work.resolve("models").toString());
        defaults.setProperty("publish.every-seconds", "20");
        // The demo knows its budget, so a cosine schedule can end where the stream does, as fit's ends with its
        // last epoch (issue 19); the batch size comes from the job settings, --set included.
        int batch = job.pipelineConfig(training.trainerConfig(first.height(), first.width(), first.channels(),
                data.numClasses(), Long.MAX_VALUE / 4), defaults).batcher().batchSize();
        long totalSteps = scheduleSteps > 0 ? scheduleSteps : Math.max(1, images / batch);
        TrainerConfig trainer = training.trainerConfig(first.height(), first.width(), first.channels(),
                data.numClasses(), totalSteps);
        TrainingOptions.checkBackbone(trainer);

        System.out.printf(Locale.ROOT, "demo: %,d images from %s (%.0f%% degraded, %s order) -> embedded Kafka -> Flink"
                        + " MiniCluster; %s init, lr %s, decay on %s%n", images, data.name(), degradedShare * 100,
                imageOrder,
                trainer.init().cliName(), trainer.schedule(), trainer.optimizer().decayOn().cliName());
        MetricsHistory history = dashboardPort == null ? null : new MetricsHistory(20_000);
        try (ShutdownLatch stayUp = dashboardPort == null ? null : new ShutdownLatch();
             DashboardServer dashboard = dashboardPort == null ? null : DashboardServer.builder().history(history)
                     .port(dashboardPort).source("demo: the metrics topic of the embedded broker").build().start()) {
            if (dashboard != null) {
                System.out.println("dashboard: " + dashboard.url());
            }
            boolean interrupted = run(data, imageOrder, trainer, work, defaults, started, history);
            if (dashboard != null && !interrupted) {
                System.out.println("dashboard: still at " + dashboard.url() + " with the run's " + history.accepted()
                        + " metrics windows; Ctrl-C stops it");
                stayUp.await();
            }
        }
        return 0;
    }

    /**
     * The broker, the job and the stream until all images are trained on or Ctrl-C; then the summary.
     *
     * @param history where the metrics records also go (the dashboard), or null
     * @return whether Ctrl-C stopped the run
     */
    private boolean run(LabeledDataset data, StreamOrder imageOrder, TrainerConfig trainer, Path work, Properties defaults, long started,
                        MetricsHistory history) throws Exception {
        boolean interrupted = false;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(work.resolve("kafka")).build().start()) {
            PipelineConfig base = job.pipelineConfig(trainer, defaults);
            PipelineConfig config = base.withKafka(base.kafka().withBootstrapServers(broker.bootstrapServers()));
            broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().modelsTopic(), config.kafka().metricsTopic());
            System.out.printf(Locale.ROOT, "kafka %s, network %s, batch %d (%d classes x %d), checkpoints every %d ms%n",
                    broker.bootstrapServers(), trainer.network().describe(), config.batcher().batchSize(),
                    config.batcher().classesPerBatch(), config.batcher().samplesPerClass(),
                    config.runtime().checkpointIntervalMillis());

            JobClient client = LocalJob.start(config, null);
            AtomicLong sent = new AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean stopProducing = new java.util.concurrent.atomic.AtomicBoolean();
            Thread producer = startProducer(config, data.train(), imageOrder, sent, stopProducing);
            CountDownLatch finished = new CountDownLatch(1);
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                main.interrupt();
                try {
                    finished.await();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            ProgressView view = new ProgressView();
            long deadline = minutes > 0 ? System.nanoTime() + (long) (minutes * 60e9) : Long.MAX_VALUE;
            try (MetricsFollower metrics = new MetricsFollower(broker.bootstrapServers(), config.kafka().metricsTopic(),
                    config.kafka().clientProperties(), history == null ? value -> { } : history::add);
                 SoakRecorder soak = soakCsv == null ? null : new SoakRecorder(soakCsv, (long) (sampleSeconds * 1000),
                         () -> accumulatorsOf(client), metrics::latest, work.resolve("checkpoints"))) {
                String settled = null;
                try {
                    long firstNanos = 0;
                    long firstTrained = 0;
                    long lastConsumed = -1;
                    long lastMoved = System.nanoTime();
                    // After the last image is sent, the batcher may keep the tail of a class buffered for a batch
                    // that never fills, and a stream shorter than a metrics window closes none: a few checkpoint
                    // intervals without progress end the run instead of waiting for Ctrl-C.
                    long settleNanos = Math.max(15_000L, 3 * config.runtime().checkpointIntervalMillis()) * 1_000_000L;
                    // What the batcher can be holding back; more than that missing is a job that is held up (a long
                    // pause somewhere downstream), not a finished stream, and the demo waits for it.
                    long batcherHolds = Math.min(config.batcher().maxBuffered(),
                            (long) data.numClasses() * config.batcher().perClassCapacity());
                    boolean toldHeldUp = false;
                    while (System.nanoTime() < deadline) {
                        Map<String, Object> acc = client.getAccumulators().get();
                        long now = System.nanoTime();
                        long trained = Accumulators.value(acc, Accumulators.TRAINED_FRESH);
                        if (firstNanos == 0 && trained > 0) {
                            firstNanos = now;
                            firstTrained = trained;
                        }
                        // Held-out images never reach the trainer: they are consumed by the promotion gate.
                        long consumed = trained + Accumulators.value(acc, Accumulators.BATCHER_DROPPED)
                                + Accumulators.value(acc, Accumulators.HELD_OUT);
                        view.show(sent.get(), images, consumed, Accumulators.value(acc, Accumulators.DEAD_LETTERED), metrics.latest());
                        if (firstNanos != 0 && now > firstNanos) {
                            figures = new StreamFigures(trained - firstTrained, (now - firstNanos) / 1e9, trained,
                                    Accumulators.value(acc, Accumulators.TRAINER_STEPS));
                        }
                        if (consumed != lastConsumed) {
                            lastConsumed = consumed;
                            lastMoved = now;
                        }
                        boolean allSent = sent.get() >= images || !producer.isAlive();
                        boolean windowSeen = metrics.latest() != null && metrics.latest().step() > 0;
                        if (consumed >= images && windowSeen) {
                            break;
                        }
                        long missing = sent.get() - consumed - Accumulators.value(acc, Accumulators.DEAD_LETTERED);
                        if (allSent && now - lastMoved > settleNanos) {
                            if (missing <= batcherHolds) {
                                settled = String.format(Locale.ROOT, "demo: every image sent and nothing trained for %d s:"
                                                + " %,d of %,d images accounted for, the rest wait in the batcher for their"
                                                + " batch or went to the dead-letter topic%s", settleNanos / 1_000_000_000L,
                                        consumed, images, windowSeen ? "" : "; fewer images than a metrics window"
                                                + " (metrics.window-size) closed no window");
                                break;
                            }
                            if (!toldHeldUp && now - lastMoved > 4 * settleNanos) {
                                toldHeldUp = true;
                                System.out.printf(Locale.ROOT, "%ndemo: nothing trained for %d s with %,d images not"
                                        + " accounted for, more than the batcher holds (%,d): still waiting (Ctrl-C or"
                                        + " --minutes ends the run)%n", (now - lastMoved) / 1_000_000_000L, missing,
                                        batcherHolds);
                            }
                        }
                        Thread.sleep(1000);
                    }
                    awaitLastVersion(config, client);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                view.finish();
                if (settled != null) {
                    System.out.println(settled);
                }
                // Stop sending and let the producer flush and close while the broker is still up.
                stopProducing.set(true);
                producer.join(35_000);
                Map<String, Object> acc = client.getAccumulators().get();
                LocalJob.cancelAndAwait(client);
                summary(config, acc, metrics, started, interrupted);
            } finally {
                finished.countDown();
                if (!interrupted) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
            }
            if (!noEval && !interrupted) {
                evaluate(config, data);
            }
        }
        return interrupted;
    }

    private static Map<String, Object> accumulatorsOf(JobClient client) {
        try {
            return client.getAccumulators().get();
        } catch (Exception e) {
            return Map.of();
        }
    }

    private Thread startProducer(PipelineConfig config, List<LabeledImage> train, StreamOrder imageOrder, AtomicLong sent,
                                 java.util.concurrent.atomic.AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            Iterator<LabeledImage> images = new ImageStream(train, this.images, degradedShare, training.seed, imageOrder);
            Iterator<LabeledImage> stream = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return !stop.get() && images.hasNext();
                }

                @Override
                public LabeledImage next() {
                    return images.next();
                }
            };
            try (DatasetProducer producer = DatasetProducer.builder()
                    .bootstrapServers(config.kafka().bootstrapServers()).topic(config.kafka().imagesTopic())
                    .rateLimit(rate).progressEvery(100).build()) {
                producer.send(stream, (submitted, acknowledged, failed) -> sent.set(acknowledged));
            }
        }, "demo-producer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Waits for one more checkpoint, which commits the last model version and metrics (exactly-once sinks), and, when
     * the trainer publishes once idle, for the version that holds its last step: a checkpoint on a loaded machine can
     * take longer than its interval, and the evaluation after the run should see the model the stream trained.
     */
    private static void awaitLastVersion(PipelineConfig config, JobClient client) throws Exception {
        long interval = config.runtime().checkpointIntervalMillis();
        Thread.sleep(interval + 1000);
        if (config.publish().whenIdleSeconds() == 0 || config.publish().modelDirectory() == null) {
            return;
        }
        ModelDirectoryReader reader = new ModelDirectoryReader(Path.of(config.publish().modelDirectory()));
        long bound = System.nanoTime() + (config.publish().whenIdleSeconds() * 1000 + 4 * interval + 10_000) * 1_000_000L;
        long trained = -1;
        long published = -1;
        long newest = -1;
        while (System.nanoTime() < bound) {
            trained = Accumulators.value(client.getAccumulators().get(), Accumulators.SNAPSHOT_STEP, -1);
            List<Long> versions = reader.versions();
            if (!versions.isEmpty() && versions.get(versions.size() - 1) != newest) {
                // Read (parameters hashed) only when a new version appeared, not every poll.
                newest = versions.get(versions.size() - 1);
                published = reader.read(newest).manifest().trainingStep();
            }
            if (trained >= 0 && published >= trained) {
                return;
            }
            Thread.sleep(500);
        }
        System.out.printf(Locale.ROOT, "demo: the newest version in the model directory holds step %d, the trainer's last checkpoint"
                + " step %d: the last steps were not published before the run ended%n", published, trained);
    }

    private void summary(PipelineConfig config, Map<String, Object> acc, MetricsFollower metrics, long started,
                         boolean interrupted) {
        double seconds = (System.nanoTime() - started) / 1e9;
        MetricsRecord last = metrics.latest();
        System.out.println(interrupted ? "stopped by Ctrl-C" : "done");
        System.out.printf(Locale.ROOT, "  images decoded %,d, trained on %,d in %,d steps (+%s replayed), held out for the"
                        + " promotion gate %,d, dropped %,d, dead letters %,d%n",
                Accumulators.value(acc, Accumulators.DECODED), Accumulators.value(acc, Accumulators.TRAINED_FRESH),
                Accumulators.value(acc, Accumulators.TRAINER_STEPS),
                last == null ? "?" : Long.toString(last.replayedImages()), Accumulators.value(acc, Accumulators.HELD_OUT),
                Accumulators.value(acc, Accumulators.BATCHER_DROPPED), Accumulators.value(acc, Accumulators.DEAD_LETTERED));
        if (last != null) {
            System.out.printf(Locale.ROOT, "  step %d, model version %d, %d metrics windows, last window %.1f images/s,"
                            + " effective rank %.1f, active alarms %s%n",
                    last.step(), last.modelVersion(), metrics.windows(),
                    last.imagesPerSecond(), last.metric(MetricsRecord.EFFECTIVE_RANK).orElse(0),
                    ProgressView.alarmList(last.activeAlarms()));
        }
        System.out.printf(Locale.ROOT, "  wall time %.1f s%n", seconds);
        System.out.printf(Locale.ROOT, "  models:  topic %s and %s%n", config.kafka().modelsTopic(), config.publish().modelDirectory());
        System.out.printf(Locale.ROOT, "  metrics: topic %s (one JSON record per window); dead letters: topic %s%n",
                config.kafka().metricsTopic(), config.kafka().deadLetterTopic());
        System.out.printf(Locale.ROOT, "  inspect the topics later with: bin/embedstream broker --log-dir %s%n",
                workDir.toAbsolutePath().resolve("kafka"));
    }

    /**
     * kNN@1 of the test split against the train split with the version a subscriber would serve (the newest
     * promoted one), and with the newest version too when the gate did not promote it, so that the figure printed
     * first is the one users get.
     */
    private void evaluate(PipelineConfig config, LabeledDataset data) {
        ModelDirectoryReader reader = new ModelDirectoryReader(Path.of(config.publish().modelDirectory()));
        Optional<PublishedModel> newest = reader.latest();
        if (newest.isEmpty()) {
            System.out.println("  no model version was published, nothing to evaluate");
            return;
        }
        Optional<PublishedModel> served = reader.newestPromoted();
        if (served.isEmpty()) {
            System.out.println("  no version was promoted: subscribers serve nothing yet");
        } else {
            evaluate(config, data, served.get(), "served");
        }
        if (served.isEmpty() || served.get().version() != newest.get().version()) {
            String status = reader.decision(newest.get().version()).map(PromotionRecord::describe)
                    .orElse("not judged yet");
            evaluate(config, data, newest.get(), "newest (" + status + ")");
        }
    }

    private static void evaluate(PipelineConfig config, LabeledDataset data, PublishedModel version, String role) {
        try (EmbeddingModel model = EmbeddingModel.fromParameters(config.trainer().network(),
                Devices.parse(config.trainer().device()), version.parameters())) {
            float[][] reference = model.embed(data.train(), 256);
            float[][] queries = model.embed(data.test(), 256);
            double accuracy = new KnnEvaluator(reference, data.train().stream().mapToInt(LabeledImage::label).toArray())
                    .accuracy(queries, data.test().stream().mapToInt(LabeledImage::label).toArray());
            System.out.printf(Locale.ROOT, "  model version %d (step %d), %s: held-out kNN@1 %.2f%% on %,d clean test images%n",
                    version.manifest().version(), version.manifest().trainingStep(), role, accuracy * 100,
                    data.test().size());
        }
    }
}
