package io.embedstream.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.model.ModelPublisher;
import io.embedstream.connectors.model.PromotionRecord;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.cli.RollbackCommand;
import io.embedstream.pipeline.operators.ModelRecordsFunction;
import io.embedstream.pipeline.types.GateDecision;
import io.embedstream.pipeline.types.ModelSnapshot;
import io.embedstream.serving.EmbeddingModelLoader;
import io.embedstream.serving.ModelSubscriber;
import io.embedstream.serving.Served;
import io.embedstream.types.LabeledImage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Rollback end to end on a real broker: {@code rollback} refuses versions that were not promoted or are not earlier,
 * a subscriber embedding in a loop serves the earlier version within 1 s of the rollback record's commit, a
 * rejected candidate is never served, the next promoted version replaces the rolled-back one, and a subscriber that
 * starts later serves what the last decision names.
 */
class RollbackTest {
    private static final String TOPIC = "embedstream.models";
    private static final TrainerConfig CONFIG = TrainerConfig.builder().classes(10)
            .network(NetworkConfig.builder().embeddingSize(32).build()).build();

    @Test
    void subscriberUnderLoadServesTheEarlierVersionWithinOneSecondOfTheRollbackCommit() throws Exception {
        LabeledImage image = SyntheticShapes.builder().seed(9).build().image(3);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             ModelPublisher publisher = ModelPublisher.builder().bootstrapServers(broker.bootstrapServers())
                     .topic(TOPIC).transactionalId("rollback-test").build()) {
            String bootstrap = broker.bootstrapServers();
            broker.createTopics(TOPIC);
            publish(publisher, 1, true);
            publish(publisher, 2, true);
            try (ModelSubscriber<EmbeddingModel> models = ModelSubscriber.builder(new EmbeddingModelLoader())
                    .bootstrapServers(bootstrap).topic(TOPIC).build()) {
                PipelineTestSupport.await("version 2 served", Duration.ofSeconds(60), () -> models.currentVersion() == 2);

                PipelineTestSupport.CommandOutput later = PipelineTestSupport.runCommand("rollback", "--to", "2",
                        "--bootstrap", bootstrap, "--topic", TOPIC);
                assertEquals(2, later.exitCode(), later.err());
                assertTrue(later.err().contains("not earlier than the serving version 2"), later.err());
                PipelineTestSupport.CommandOutput never = PipelineTestSupport.runCommand("rollback", "--to", "7",
                        "--bootstrap", bootstrap, "--topic", TOPIC);
                assertEquals(2, never.exitCode(), never.err());
                assertTrue(never.err().contains("version 7 was never promoted"), never.err());

                // Under load: two threads embed in a loop; when does the first result of version 1 come back?
                AtomicBoolean running = new AtomicBoolean(true);
                Map<Long, Long> firstSeen = new ConcurrentHashMap<>();
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    Thread thread = new Thread(() -> {
                        while (running.get()) {
                            Served<float[]> r = models.apply(m -> m.embed(List.of(image), 1)[0]);
                            firstSeen.putIfAbsent(r.version(), System.nanoTime());
                        }
                    }, "embed-" + t);
                    thread.start();
                    threads.add(thread);
                }
                Thread.sleep(300);
                long before = System.nanoTime();
                try (ModelPublisher rollback = ModelPublisher.builder().bootstrapServers(bootstrap).topic(TOPIC)
                        .transactionalId("rollback-test-operator").build()) {
                    before = System.nanoTime();
                    rollback.decide(PromotionRecord.rollback(1, "test", Instant.now()));
                }
                long committed = System.nanoTime();
                PipelineTestSupport.await("version 1 served again", Duration.ofSeconds(30),
                        () -> firstSeen.containsKey(1L));
                running.set(false);
                for (Thread thread : threads) {
                    thread.join();
                }
                Long back = firstSeen.get(1L);
                assertNotNull(back);
                double fromCommit = (back - committed) / 1e6;
                double fromWrite = (back - before) / 1e6;
                System.out.printf(Locale.ROOT, "rollback: first result of version 1 %.0f ms after the commit returned"
                        + " (%.0f ms after the write began)%n", fromCommit, fromWrite);
                assertTrue(fromCommit < 1000, "served the earlier version within 1 s of the commit: " + fromCommit
                        + " ms");
                assertEquals(1, models.currentVersion());

                // A rejected candidate is not served; the next promoted one is (version numbers only increase).
                publish(publisher, 3, false);
                publish(publisher, 4, true);
                PipelineTestSupport.await("version 4 served", Duration.ofSeconds(30), () -> models.currentVersion() == 4);
                PipelineTestSupport.CommandOutput command = PipelineTestSupport.runCommand("rollback", "--to", "2",
                        "--bootstrap", bootstrap, "--topic", TOPIC, "--reason", "bad gallery results");
                assertEquals(0, command.exitCode(), command.err());
                assertTrue(command.out().contains("rolled back to version 2 (was serving 4)"), command.out());
                PipelineTestSupport.await("version 2 served after the command", Duration.ofSeconds(30),
                        () -> models.currentVersion() == 2);
                assertEquals(0, models.refusedCount(), models.recentRefusals().toString());
                assertTrue(models.recentDecisions().stream().anyMatch(d -> d.kind() == PromotionRecord.Kind.REJECT
                        && d.version() == 3), models.recentDecisions().toString());
            }
            try (ModelSubscriber<EmbeddingModel> late = ModelSubscriber.builder(new EmbeddingModelLoader())
                    .bootstrapServers(bootstrap).topic(TOPIC).build()) {
                assertTrue(late.awaitModel(Duration.ofSeconds(30)), "a late subscriber serves a version");
                assertEquals(2, late.currentVersion(), "a late subscriber serves what the last decision names");
            }
        }
    }

    /** A candidate as the job publishes it, with the gate's decision in the same transaction. */
    private static void publish(ModelPublisher publisher, long version, boolean promote) {
        ModelSnapshot snapshot = new ModelSnapshot();
        snapshot.version = version;
        snapshot.step = version * 10;
        snapshot.timestampMillis = System.currentTimeMillis();
        snapshot.classes = CONFIG.classes();
        snapshot.classWeights = new float[CONFIG.classes() * CONFIG.network().embeddingSize()];
        for (int i = 0; i < snapshot.classWeights.length; i++) {
            snapshot.classWeights[i] = (float) Math.sin(i + version);
        }
        snapshot.decision = new GateDecision();
        snapshot.decision.kind = promote ? "promote" : "reject";
        byte[] parameters;
        try (EmbeddingModel model = EmbeddingModel.create(CONFIG.network(), Device.cpu(), 100 + version)) {
            parameters = model.parametersToBytes();
        }
        Instant at = Instant.ofEpochMilli(snapshot.timestampMillis);
        PromotionRecord decision = promote ? PromotionRecord.promote(version, "test", at, Map.of())
                : PromotionRecord.reject(version, version - 1, "test rejection", at, Map.of());
        publisher.publish(ModelRecordsFunction.draftManifest(CONFIG, snapshot), parameters, List.of(decision));
    }
}
