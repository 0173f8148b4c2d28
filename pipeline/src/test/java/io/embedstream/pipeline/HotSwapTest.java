package io.embedstream.pipeline;

import io.embedstream.serving.EmbeddingModelLoader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import ai.djl.Device;
import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.model.ModelManifest;
import io.embedstream.connectors.model.ModelPublisher;
import io.embedstream.serving.ModelSubscriber;
import io.embedstream.serving.Served;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.operators.ModelRecordsFunction;
import io.embedstream.pipeline.types.ModelSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Hot swap of the default network (cm-mnist, 28x28x1, embedding 128) published in the real format (the job's
 * manifest, chunks, one transaction per version) while four threads embed continuously: every result carries the
 * version that computed it, equals what that version computes, and no thread's versions go backwards. The swap
 * latency is printed; {@code bin/embedstream bench-swap} measures it properly.
 */
class HotSwapTest {

    private static final int THREADS = 4;

    record Result(long version, float[] embedding) {}

    @Test
    void twoVersionsSwapUnderLoadWithoutMixing() throws Exception {
        TrainerConfig config = TrainerConfig.builder().classes(10).build();
        NetworkConfig network = config.network();
        assertEquals("cm-mnist 28x28x1 -> 128", network.describe());
        LabeledImage image = SyntheticShapes.builder().seed(9).build().image(3);
        byte[][] parameters = new byte[3][];
        float[][] expected = new float[3][];
        for (int v = 1; v <= 2; v++) {
            try (EmbeddingModel model = EmbeddingModel.create(network, Device.cpu(), 100 + v)) {
                parameters[v] = model.parametersToBytes();
                expected[v] = model.embed(List.of(image), 1)[0];
            }
        }
        assertTrue(maxAbsDiff(expected[1], expected[2]) > 1e-2, "the two versions must be told apart by their output");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             ModelPublisher publisher = ModelPublisher.builder().bootstrapServers(broker.bootstrapServers())
                     .topic("embedstream.models").transactionalId("hot-swap-test").build()) {
            broker.createTopics("embedstream.models");
            publisher.publish(draft(config, 1), parameters[1]);
            Map<Long, Double> loadMillis = new ConcurrentHashMap<>();
            try (ModelSubscriber<EmbeddingModel> models = ModelSubscriber.builder(new EmbeddingModelLoader())
                    .bootstrapServers(broker.bootstrapServers())
                    .onSwap(swap -> loadMillis.put(swap.version(), swap.loadMillis())).build()) {
                assertTrue(models.awaitModel(Duration.ofSeconds(60)), "version 1 served");

                AtomicBoolean running = new AtomicBoolean(true);
                Map<Long, Long> firstSeenNanos = new ConcurrentHashMap<>();
                List<List<Result>> perThread = new ArrayList<>();
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    List<Result> results = Collections.synchronizedList(new ArrayList<>());
                    perThread.add(results);
                    Thread thread = new Thread(() -> {
                        while (running.get()) {
                            Served<float[]> r = models.apply(m -> m.embed(List.of(image), 1)[0]);
                            firstSeenNanos.putIfAbsent(r.version(), System.nanoTime());
                            results.add(new Result(r.version(), r.value()));
                        }
                    }, "embed-" + t);
                    thread.start();
                    threads.add(thread);
                }
                Thread.sleep(300);
                publisher.publish(draft(config, 2), parameters[2]);
                long committed = System.nanoTime();
                long deadline = committed + Duration.ofSeconds(60).toNanos();
                while (!firstSeenNanos.containsKey(2L) && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                Long first = firstSeenNanos.get(2L);
                assertNotNull(first, "version 2 served within 60 s; refusals " + models.recentRefusals());
                Thread.sleep(300);
                running.set(false);
                for (Thread thread : threads) {
                    thread.join();
                }
                double swapMillis = (first - committed) / 1e6;
                System.out.printf(Locale.ROOT, "hot swap of %s: transaction commit -> first result with version 2:"
                        + " %.0f ms (loading %.0f ms)%n", network.describe(), swapMillis, loadMillis.get(2L));
                assertTrue(swapMillis < 20_000, "sanity bound only; bench-swap measures: " + swapMillis);

                for (int t = 0; t < THREADS; t++) {
                    List<Result> results = perThread.get(t);
                    assertTrue(results.size() > 2, "thread " + t + " embedded");
                    long last = 0;
                    for (Result r : results) {
                        assertTrue(r.version() == 1 || r.version() == 2, "version " + r.version());
                        assertTrue(maxAbsDiff(expected[(int) r.version()], r.embedding()) < 1e-4,
                                "thread " + t + ": a result labelled version " + r.version() + " is not what that"
                                        + " version computes");
                        assertTrue(r.version() >= last, "thread " + t + ": version went back from " + last);
                        last = r.version();
                    }
                    assertEquals(2, last, "thread " + t + " ends on version 2");
                }
                assertEquals(0, models.refusedCount());
            }
        }
    }

    /** The job's own manifest for a snapshot of this version (architecture, input, class centroids...). */
    private static ModelManifest draft(TrainerConfig config, long version) {
        ModelSnapshot snapshot = new ModelSnapshot();
        snapshot.version = version;
        snapshot.step = version * 100;
        snapshot.timestampMillis = System.currentTimeMillis();
        snapshot.classes = config.classes();
        snapshot.classWeights = new float[config.classes() * config.network().embeddingSize()];
        for (int i = 0; i < snapshot.classWeights.length; i++) {
            snapshot.classWeights[i] = (float) Math.sin(i + version);
        }
        return ModelRecordsFunction.draftManifest(config, snapshot);
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
