package io.embedstream.pipeline;

import static io.embedstream.pipeline.PipelineTestSupport.accumulator;
import static io.embedstream.pipeline.PipelineTestSupport.await;
import static io.embedstream.pipeline.PipelineTestSupport.startWithoutRestarts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.model.PromotionRecord;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.eval.holdout.HoldoutSplit;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.operators.Accumulators;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.config.PromotionConfig;
import io.embedstream.serving.EmbeddingModelLoader;
import io.embedstream.serving.ModelSubscriber;
import io.embedstream.types.LabeledImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promotion gate on a real broker and MiniCluster: clean images give a promoted version; a segment with
 * shuffled labels gives candidates that the gate rejects while a subscriber keeps serving the last promoted
 * version; clean images again give a promoted version, which the subscriber then serves.
 */
class PromotionGatePipelineTest {
    private static final int CHUNK = 400;
    private static final int CLEAN_START = 2000;

    @TempDir
    Path temp;

    @Test
    void shuffledLabelsAreRejectedAndTheLastGoodVersionKeepsServingUntilACleanOneIsPromoted() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            // A fifth held out, so that a short test has a held-out set of a few hundred images, kept long enough
            // (100 a class: the last ~5000 images of the stream) that a short bad stretch does not fill it; a 3-point
            // margin, since the set is small. No re-basing on the quarantine (PromotionGateTest covers it): this
            // test asserts that the shuffled images never join the images the gate judges by.
            PipelineConfig small = PipelineTestSupport.smallJob(bootstrap, temp.resolve("checkpoints"), 3);
            TrainerConfig trainer = TrainerConfig.builder()
                    .network(NetworkConfig.builder().embeddingSize(32).build())
                    .learningRate(0.02f) // twice the small job's: a few hundred images make a difference
                    .device("cpu")
                    .build();
            PipelineConfig config = new PipelineConfig(small.kafka(), trainer, small.batcher(), small.publish(),
                    small.metrics(), small.runtime(), new PromotionConfig(0.2, 0, 100, 1000, 300, 0.03, true, false, 0));
            broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().modelsTopic(), config.kafka().metricsTopic());
            SyntheticShapes clean = SyntheticShapes.builder().seed(11).build();
            HoldoutSplit split = config.promotion().split();
            long[] sent = {0};
            java.util.function.Consumer<List<LabeledImage>> send = images -> {
                PipelineTestSupport.produce(bootstrap, config, images);
                sent[0] += images.stream().filter(image -> !split.heldOut(image.id())).count();
            };
            send.accept(clean.generate(CLEAN_START));

            JobClient job = startWithoutRestarts(config);
            Set<Long> served = ConcurrentHashMap.newKeySet();
            BooleanSupplier trainedAll = () -> accumulator(job, Accumulators.TRAINED_FRESH)
                    + accumulator(job, Accumulators.BATCHER_DROPPED) >= sent[0];
            try (Decisions decisions = new Decisions(bootstrap, config.kafka().modelsTopic());
                 ModelSubscriber<EmbeddingModel> models = ModelSubscriber.builder(new EmbeddingModelLoader())
                         .bootstrapServers(bootstrap).topic(config.kafka().modelsTopic())
                         .onSwap(swap -> served.add(swap.version())).build();
                 ModelSubscriber<EmbeddingModel> shadow = ModelSubscriber.builder(new EmbeddingModelLoader())
                         .bootstrapServers(bootstrap).topic(config.kafka().modelsTopic()).serveCandidates(true)
                         .build()) {
                await(job, "every clean image trained on", Duration.ofMinutes(4), trainedAll);
                await(job, "a promoted version from clean images", Duration.ofMinutes(1),
                        () -> decisions.any(d -> d.kind() == PromotionRecord.Kind.PROMOTE));
                Thread.sleep(3000); // the last clean version's transaction commits with the next checkpoint
                long decidedBefore = decisions.lastVersion();

                // Shuffled labels: the stream's own labels are noise from here on.
                SplittableRandom random = new SplittableRandom(3);
                int shuffledChunks = 0;
                do {
                    assertTrue(shuffledChunks < 4, "2 rejections, the last with shuffled images in quarantine, within 4"
                            + " shuffled chunks; decisions "
                            + decisions.described());
                    List<LabeledImage> shuffled = new ArrayList<>();
                    for (LabeledImage image : SyntheticShapes.builder().seed(100 + shuffledChunks).build()
                            .generate(CHUNK)) {
                        shuffled.add(new LabeledImage("shuffled-" + image.id(), random.nextInt(10), image.width(),
                                image.height(), image.channels(), image.pixels()));
                    }
                    send.accept(shuffled);
                    shuffledChunks++;
                    await(job, "every shuffled image trained on", Duration.ofMinutes(2), trainedAll);
                    Thread.sleep(3000);
                    // Held-out images reach the gate on their own input, not in step with the candidates: a
                    // rejection can come before this chunk's held-out images are in quarantine; then one more chunk.
                } while (decisions.rejectedAfter(decidedBefore) < 2
                        || count(decisions.lastOf(PromotionRecord.Kind.REJECT), "held_out_quarantined") == 0);
                PromotionRecord lastPromoted = decisions.lastPromotion();
                long lastRejected = decisions.lastOf(PromotionRecord.Kind.REJECT).version();
                assertTrue(lastRejected > lastPromoted.version(), "the latest decision is a rejection: "
                        + decisions.described());
                await("the shadow subscriber serving a rejected candidate", Duration.ofSeconds(30),
                        () -> shadow.currentVersion() >= lastRejected);
                // The subscriber serves the last promoted version, not the rejected candidates; or a version promoted
                // since, when a model recovered from the bad spell before the clean images came (seen under load:
                // promoted at P@1 0.413 against 0.395 while this test waited for the shadow subscriber).
                long servedNow = models.currentVersion();
                assertTrue(servedNow == lastPromoted.version() || (servedNow > lastRejected
                                && decisions.versions(PromotionRecord.Kind.PROMOTE).contains(servedNow)),
                        "the subscriber keeps serving the last promoted version " + lastPromoted.version() + " while"
                                + " candidates are rejected, serving " + servedNow + ": " + decisions.described());
                String reason = decisions.lastOf(PromotionRecord.Kind.REJECT).reason();
                assertTrue(reason.contains("P@1") || reason.contains("collapse"), "the rejection says why: " + reason);
                // The shuffled stretch's held-out images wait in quarantine: the last rejection was judged on trusted
                // images only, and says how many wait.
                PromotionRecord rejection = decisions.lastOf(PromotionRecord.Kind.REJECT);
                assertTrue(count(rejection, "held_out_quarantined") > 0, "shuffled images in quarantine: "
                        + rejection.evaluation());
                assertTrue(rejection.reason().contains("quarantined since the last promotion"), rejection.reason());

                // Clean images again, until a new version is promoted.
                int cleanChunks = 0;
                while (decisions.lastPromotion().version() < lastRejected) {
                    assertTrue(cleanChunks < 8, "a promotion within 8 clean chunks; decisions "
                            + decisions.described());
                    send.accept(clean.generate(CHUNK));
                    cleanChunks++;
                    await(job, "every clean image trained on", Duration.ofMinutes(2), trainedAll);
                    Thread.sleep(3000);
                }
                long promoted = decisions.lastPromotion().version();
                // The promotion that ended the stretch dropped the images held out before a rejection (the shuffled
                // ones) instead of letting them judge the next candidates.
                PromotionRecord ending = decisions.all().stream()
                        .filter(d -> d.kind() == PromotionRecord.Kind.PROMOTE && d.version() > lastRejected)
                        .findFirst().orElseThrow();
                assertTrue(count(ending, "held_out_dropped") > 0, "the shuffled images were dropped: "
                        + ending.evaluation() + "; decisions " + decisions.described());
                assertTrue(ending.reason().contains("quarantine released"), ending.reason());
                // After the first promotion, the images judged by do not change between two rejections: nothing
                // joins them during a rejecting stretch (before it, every held-out image is trusted at once).
                List<PromotionRecord> judged = decisions.all().stream()
                        .filter(d -> d.kind() != PromotionRecord.Kind.ROLLBACK).toList();
                int first = judged.indexOf(judged.stream().filter(d -> d.kind() == PromotionRecord.Kind.PROMOTE)
                        .findFirst().orElseThrow());
                for (int i = first + 2; i < judged.size(); i++) {
                    if (judged.get(i - 1).kind() == PromotionRecord.Kind.REJECT
                            && judged.get(i).kind() == PromotionRecord.Kind.REJECT) {
                        assertEquals(count(judged.get(i - 1), "held_out_images"), count(judged.get(i),
                                "held_out_images"), "trusted images frozen between rejections: "
                                + decisions.described());
                    }
                }
                await("the subscriber serving the new promoted version " + promoted, Duration.ofSeconds(30),
                        () -> models.currentVersion() == promoted);
                Set<Long> promotedVersions = decisions.versions(PromotionRecord.Kind.PROMOTE);
                assertTrue(promotedVersions.containsAll(served), "served only promoted versions: served " + served
                        + ", promoted " + promotedVersions);
                System.out.printf("gate: %d shuffled and %d clean chunks of %d after %d clean; decisions:%n  %s%n",
                        shuffledChunks, cleanChunks, CHUNK, CLEAN_START, String.join("\n  ", decisions.described()));
            } finally {
                job.cancel().get();
            }
        }
    }

    private static int count(PromotionRecord decision, String key) {
        Object value = decision.evaluation().get(key);
        assertTrue(value instanceof Number, key + " in " + decision.evaluation());
        return ((Number) value).intValue();
    }

    /** The decisions on the models topic, read as they are committed. */
    private static final class Decisions implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions;
        private final List<PromotionRecord> read = new ArrayList<>();

        Decisions(String bootstrap, String topic) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Every decision committed so far: reads up to the end offsets (read_committed: the last stable ones). */
        List<PromotionRecord> all() {
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            do {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (PromotionRecord.isDecision(r.headers())) {
                        read.add(PromotionRecord.fromBytes(r.value()));
                    }
                }
            } while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)));
            return List.copyOf(read);
        }

        boolean any(Predicate<PromotionRecord> p) {
            return all().stream().anyMatch(p);
        }

        long lastVersion() {
            return all().stream().filter(d -> d.kind() != PromotionRecord.Kind.ROLLBACK)
                    .mapToLong(PromotionRecord::version).max().orElse(-1);
        }

        long rejectedAfter(long version) {
            return all().stream().filter(d -> d.kind() == PromotionRecord.Kind.REJECT && d.version() > version).count();
        }

        PromotionRecord lastOf(PromotionRecord.Kind kind) {
            List<PromotionRecord> of = all().stream().filter(d -> d.kind() == kind).toList();
            return of.get(of.size() - 1);
        }

        List<String> described() {
            return all().stream().map(PromotionRecord::describe).toList();
        }

        PromotionRecord lastPromotion() {
            return lastOf(PromotionRecord.Kind.PROMOTE);
        }

        Set<Long> versions(PromotionRecord.Kind kind) {
            return Set.copyOf(all().stream().filter(d -> d.kind() == kind).map(PromotionRecord::version).toList());
        }

        @Override
        public void close() {
            consumer.close(Duration.ZERO);
        }
    }
}
