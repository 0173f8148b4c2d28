package io.embedstream.experiments.cli;

import ai.djl.Device;
import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.model.Ed25519Keys;
import io.embedstream.connectors.model.InputShape;
import io.embedstream.connectors.model.ManifestSigner;
import io.embedstream.connectors.model.ModelManifest;
import io.embedstream.connectors.model.ModelPublisher;
import io.embedstream.serving.ModelSubscriber;
import io.embedstream.serving.Served;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.serving.EmbeddingModelLoader;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code embedstream bench-swap}: how long a serving process takes to switch to a new model version. On an embedded
 * broker, threads embed images continuously through a {@link ModelSubscriber} while new versions of the default
 * network are published (transactionally, signed); for each version it prints the time from the transaction commit
 * to the first result computed with it, and how much of that was loading the network.
 */
@Command(name = "bench-swap", mixinStandardHelpOptions = true,
        description = "Hot-swap latency: transaction commit of a new model version -> first embedding computed with it,"
                + " while threads embed continuously.")
public final class SwapBenchCommand implements Callable<Integer> {

    @Option(names = "--versions", defaultValue = "8", description = "New versions published after the first (default: ${DEFAULT-VALUE}).")
    int versions;

    @Option(names = "--threads", defaultValue = "4", description = "Threads embedding continuously (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--interval-ms", defaultValue = "1000", description = "Pause between versions (default: ${DEFAULT-VALUE}).")
    long intervalMillis;

    @Option(names = "--embedding", defaultValue = "128", description = "Embedding size of the cm-mnist 28x28x1 network (default: ${DEFAULT-VALUE}).")
    int embedding;

    @Option(names = "--unsigned", description = "Publish unsigned versions (default: signed, and verified by the subscriber).")
    boolean unsigned;

    @Override
    public Integer call() throws Exception {
        if (versions < 1 || threads < 1) {
            throw new IllegalArgumentException("--versions and --threads must be >= 1");
        }
        NetworkConfig network = NetworkConfig.builder().embeddingSize(embedding).build();
        LabeledImage image = SyntheticShapes.builder().seed(5).build().image(0);
        KeyPair key = Ed25519Keys.generate();
        String topic = "embedstream.models";
        Map<Long, Long> firstResultNanos = new ConcurrentHashMap<>();
        Map<Long, Double> loadMillis = new ConcurrentHashMap<>();
        Map<Long, java.time.Instant> swappedAt = new ConcurrentHashMap<>();
        AtomicLong results = new AtomicLong();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             ModelPublisher publisher = ModelPublisher.builder().bootstrapServers(broker.bootstrapServers())
                     .topic(topic).signer(unsigned ? null : new ManifestSigner(key.getPrivate())).build()) {
            broker.createTopics(topic);
            publisher.publish(draft(network, 1), parameters(network, 1));
            try (ModelSubscriber<EmbeddingModel> models = ModelSubscriber.builder(new EmbeddingModelLoader())
                    .bootstrapServers(broker.bootstrapServers()).topic(topic)
                    .publicKey(unsigned ? null : key.getPublic())
                    .onSwap(swap -> {
                        loadMillis.put(swap.version(), swap.loadMillis());
                        swappedAt.put(swap.version(), swap.swappedAt());
                    }).build()) {
                if (!models.awaitModel(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("the first version was not served");
                }
                AtomicBoolean running = new AtomicBoolean(true);
                List<Thread> callers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Thread caller = new Thread(() -> {
                        while (running.get()) {
                            Served<float[][]> r = models.apply(m -> m.embed(List.of(image), 1));
                            firstResultNanos.putIfAbsent(r.version(), System.nanoTime());
                            results.incrementAndGet();
                        }
                    }, "embed-" + t);
                    caller.setDaemon(true);
                    caller.start();
                    callers.add(caller);
                }
                double[] swapMillis = new double[versions];
                long benchStart = System.nanoTime();
                for (int i = 0; i < versions; i++) {
                    long version = i + 2;
                    byte[] parameters = parameters(network, version);
                    Thread.sleep(intervalMillis);
                    publisher.publish(draft(network, version), parameters);
                    long committed = System.nanoTime();
                    java.time.Instant committedAt = java.time.Instant.now();
                    long deadline = committed + Duration.ofSeconds(60).toNanos();
                    while (!firstResultNanos.containsKey(version) && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                    Long first = firstResultNanos.get(version);
                    if (first == null) {
                        throw new IllegalStateException("version " + version + " was not served within 60 s; refusals: "
                                + models.recentRefusals());
                    }
                    swapMillis[i] = (first - committed) / 1e6;
                    double loaded = loadMillis.getOrDefault(version, Double.NaN);
                    double swapped = Duration.between(committedAt, swappedAt.get(version)).toNanos() / 1e6;
                    System.out.printf(Locale.ROOT, "version %d: commit -> first result %.0f ms (received and verified %.0f ms,"
                            + " loaded %.0f ms, swapped in at %.0f ms)%n", version, swapMillis[i], swapped - loaded, loaded, swapped);
                }
                double seconds = (System.nanoTime() - benchStart) / 1e9;
                running.set(false);
                for (Thread caller : callers) {
                    caller.join();
                }
                double[] sorted = swapMillis.clone();
                Arrays.sort(sorted);
                System.out.printf(Locale.ROOT, "swap latency over %d versions (%s, %s, %d threads embedding): median %.0f ms,"
                                + " min %.0f ms, max %.0f ms; %.0f embeddings/s during the run; %d refused%n",
                        versions, network.describe(), unsigned ? "unsigned" : "signed", threads,
                        sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], results.get() / seconds,
                        models.refusedCount());
            }
        }
        return 0;
    }

    static ModelManifest draft(NetworkConfig network, long version) {
        return ModelManifest.builder().version(version).trainingStep(version * 100)
                .architecture(network.architecture().cliName())
                .architectureConfig(Map.of("name", network.architecture().cliName(), "height", network.height(),
                        "width", network.width(), "channels", network.channels(), "embedding_size",
                        network.embeddingSize(), "input_mean", NetworkConfig.manifestValue(network.inputMean()),
                        "input_std", NetworkConfig.manifestValue(network.inputStd())))
                .input(new InputShape(network.width(), network.height(), network.channels()))
                .embeddingSize(network.embeddingSize()).build();
    }

    /** Distinct parameters per version: the network initialised with the version as seed. */
    static byte[] parameters(NetworkConfig network, long version) {
        try (EmbeddingModel model = EmbeddingModel.create(network, Device.cpu(), version)) {
            return model.parametersToBytes();
        }
    }
}
