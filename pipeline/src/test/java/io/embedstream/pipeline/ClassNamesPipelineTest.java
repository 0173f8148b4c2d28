package io.embedstream.pipeline;

import static io.embedstream.pipeline.PipelineTestSupport.accumulator;
import static io.embedstream.pipeline.PipelineTestSupport.await;
import static io.embedstream.pipeline.PipelineTestSupport.startWithoutRestarts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.model.AssemblyResult;
import io.embedstream.connectors.model.ModelAssembler;
import io.embedstream.connectors.wire.AuditRecord;
import io.embedstream.connectors.wire.metrics.MetricsRecord;
import io.embedstream.connectors.wire.DeadLetter;
import io.embedstream.connectors.wire.DeadLetters;
import io.embedstream.connectors.wire.ImageHeaders;
import io.embedstream.connectors.wire.ImageRecord;
import io.embedstream.connectors.wire.ImageRecordEncoder;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.pipeline.config.MetricsSettings;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.config.PromotionConfig;
import io.embedstream.pipeline.operators.Accumulators;
import io.embedstream.types.LabeledImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class names on the real job (issue 16): images labelled with names train like integer labels (the trainer's
 * class weights growing from 4 to the 10 names); the published manifests name every class, and the audit topic gives
 * each id's class name, for trained and held-out images alike; a new name beyond the class capacity, a label that is
 * too long and one that is not UTF-8 go to the dead-letter topic with their reasons; the job keeps running (no restart
 * strategy).
 */
class ClassNamesPipelineTest {
    private static final String AUDIT = "names.audit";
    @TempDir
    Path temp;

    @Test
    void namedClassesTrainAndWhatCannotBeNamedIsDeadLettered() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            PipelineConfig base = PipelineTestSupport.smallJob(bootstrap, temp.resolve("checkpoints"), 2);
            // The trainer starts with 4 classes and grows its class weights as the 10 names arrive (issue 16), up to
            // classes.max = 10: a batch with a class beyond the initial 4 would otherwise be refused and train nothing.
            int classes = 10;
            // A version every 2 steps and metrics windows of 64 embeddings (one step): windows after the first
            // versions were compared on the probe set.
            base = new PipelineConfig(base.kafka(), base.trainer().toBuilder().classes(4).maxClasses(classes).build(),
                    base.batcher(), base.publish(), new MetricsSettings(64, 64, 32), base.runtime(), base.promotion());
            // A held-out share of 5%: about 20 of the 400 images go to the promotion gate, and to the audit topic.
            PipelineConfig config = base.withBatcher(base.batcher().withClassNames(true))
                    .withKafka(base.kafka().withAuditTopic(AUDIT))
                    .withPromotion(new PromotionConfig(0.05, 0, 50, 1000, 40, 0.005, true, true));
            broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().modelsTopic(), config.kafka().metricsTopic(), AUDIT);
            List<LabeledImage> images = SyntheticShapes.builder().seed(5).build().generate(400);
            List<ImageRecord> named = new ArrayList<>();
            Map<String, String> nameOf = new HashMap<>();
            for (LabeledImage image : images) {
                String name = "shape \u00e9" + image.label(); // one name per class: `classes` names
                named.add(withLabel(image, name));
                nameOf.put(image.id(), name);
            }
            Set<String> heldOut = new HashSet<>();
            images.stream().map(LabeledImage::id).filter(config.promotion().split()::heldOut).forEach(heldOut::add);
            assertTrue(heldOut.size() >= 5 && heldOut.size() < 60, heldOut.size() + " held out");
            JobClient job = startWithoutRestarts(config);
            try {
                send(bootstrap, config, named);
                await(job, "every named image in the batcher or held out", Duration.ofSeconds(180),
                        () -> accumulator(job, Accumulators.BATCHER_INGESTED) == images.size() - heldOut.size());
                await(job, "training steps on named classes", Duration.ofSeconds(120),
                        () -> accumulator(job, Accumulators.TRAINED_FRESH) > 0);

                // Only now, so that every class name above holds its index: names the registry must refuse.
                List<ImageRecord> bad = new ArrayList<>();
                Map<String, String> expected = new TreeMap<>();
                LabeledImage any = images.get(0);
                for (int i = 0; i < 3; i++) {
                    // Not an id the held-out share takes: that one would go to the gate, not to the registry.
                    String id = "new-" + i;
                    while (config.promotion().split().heldOut(id)) {
                        id += "'";
                    }
                    bad.add(withLabel(withId(any, id), "one class too many"));
                    expected.put(id, "class capacity of " + classes
                            + " reached: new class 'one class too many' not registered (raise classes.max)");
                    bad.add(withLabel(withId(any, "long-" + i), "x".repeat(300)));
                    expected.put("long-" + i, "label of 300 bytes exceeds the 256-byte limit");
                    ImageRecord record = ImageRecordEncoder.png().encode(withId(any, "utf-" + i));
                    bad.add(new ImageRecord(record.key(), record.value(),
                            record.headers().with(ImageHeaders.LABEL, new byte[] {'a', (byte) 0xC3, '('})));
                    expected.put("utf-" + i, "label is not valid UTF-8");
                }
                send(bootstrap, config, bad);
                Map<String, String> reasons = new TreeMap<>();
                await(job, "the refused records in the dead-letter topic", Duration.ofSeconds(120), () -> {
                    reasons.clear();
                    for (ConsumerRecord<byte[], byte[]> r : PipelineTestSupport.readAll(bootstrap,
                            config.kafka().deadLetterTopic(), Duration.ofSeconds(2))) {
                        DeadLetter letter = DeadLetters.fromConsumerRecord(r);
                        reasons.merge(letter.headers().string(ImageHeaders.ID).orElse("?"), letter.error(),
                                (a, b) -> a + " | " + b);
                    }
                    return reasons.size() >= expected.size();
                });
                assertEquals(expected, reasons, "each refused record once, with its reason");
                PipelineTestSupport.assertRunning(job);
                // Accumulators reach the client with the heartbeats, so the last count is awaited before the
                // batcher's is read: the 3 names beyond capacity were decoded and must not have been batched.
                await(job, "the decoded count", Duration.ofSeconds(30),
                        () -> accumulator(job, Accumulators.DECODED) == images.size() + 3);
                assertEquals(images.size() - heldOut.size(), accumulator(job, Accumulators.BATCHER_INGESTED),
                        "a refused name never reaches the batches");

                checkAudit(job, bootstrap, nameOf, heldOut);
                checkManifestNames(job, bootstrap, config, Set.copyOf(nameOf.values()));
                checkVersionDriftByName(job, bootstrap, config, Set.copyOf(nameOf.values()));
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Each id once on the audit topic, trained on or held out, with the name it was sent with. */
    private static void checkAudit(JobClient job, String bootstrap, Map<String, String> nameOf, Set<String> heldOut)
            throws Exception {
        Map<String, String> labels = new HashMap<>();
        Map<String, String> kinds = new HashMap<>();
        List<String> twice = new ArrayList<>();
        await(job, "every id on the audit topic", Duration.ofSeconds(60), () -> {
            labels.clear();
            kinds.clear();
            twice.clear();
            for (AuditRecord entry : AuditIds.read(bootstrap, AUDIT)) {
                assertEquals(entry.ids().size(), entry.labels().size(), "a label per id: " + entry);
                for (int i = 0; i < entry.ids().size(); i++) {
                    if (labels.put(entry.ids().get(i), entry.labels().get(i)) != null) {
                        twice.add(entry.ids().get(i));
                    }
                    kinds.put(entry.ids().get(i), entry.kind());
                }
            }
            return labels.size() >= nameOf.size();
        });
        assertEquals(List.of(), twice, "ids audited twice");
        assertEquals(nameOf, labels, "each id with the class name it was sent with");
        Set<String> audited = new HashSet<>();
        kinds.forEach((id, kind) -> {
            if (kind.equals(AuditRecord.HELD_OUT)) {
                audited.add(id);
            } else {
                assertEquals(AuditRecord.TRAINED, kind, id);
            }
        });
        assertEquals(heldOut, audited, "the held-out ids, as held out");
    }

    /** A published version names every class it trained on, each name once. */
    private static void checkManifestNames(JobClient job, String bootstrap, PipelineConfig config, Set<String> names)
            throws Exception {
        List<String> last = new ArrayList<>();
        int[] centroids = {-1};
        await(job, "a version naming every class", Duration.ofSeconds(60), () -> {
            ModelAssembler assembler = ModelAssembler.builder().build();
            for (ConsumerRecord<byte[], byte[]> r : PipelineTestSupport.readAll(bootstrap,
                    config.kafka().modelsTopic(), Duration.ofSeconds(2))) {
                if (assembler.accept(r) instanceof AssemblyResult.Completed c) {
                    last.clear();
                    last.addAll(c.model().classTable().names());
                    centroids[0] = c.model().classTable().classes();
                }
            }
            return last.stream().filter(java.util.Objects::nonNull).count() == names.size();
        });
        // The trainer grew from its initial classes to one per name (classes.max = the names' count).
        assertEquals(names.size(), last.size(), "a name entry per class in use");
        assertEquals(centroids[0], last.size(), "a name entry per class centroid");
        List<String> given = last.stream().filter(java.util.Objects::nonNull).toList();
        assertEquals(names, Set.copyOf(given));
        assertEquals(names.size(), given.size(), "each name at one index: " + last);
    }

    /**
     * The metrics operator samples its probe set before the batcher names classes: its per-class version drift must
     * still compare classes, by the trainer's index of each name, and say which name each index is.
     */
    private static void checkVersionDriftByName(JobClient job, String bootstrap, PipelineConfig config,
                                                Set<String> names) throws Exception {
        Map<String, Double> shiftByName = new TreeMap<>();
        await(job, "a metrics record with per-class version drift", Duration.ofSeconds(120), () -> {
            shiftByName.clear();
            for (ConsumerRecord<byte[], byte[]> r : PipelineTestSupport.readAll(bootstrap,
                    config.kafka().metricsTopic(), Duration.ofSeconds(2))) {
                MetricsRecord record = MetricsRecord.fromJson(r.value());
                record.versionDrift().ifPresent(drift -> drift.figures().forEach((figure, value) -> {
                    java.util.regex.Matcher m = java.util.regex.Pattern
                            .compile("version\\.class\\.(\\d+)\\.centroid_shift").matcher(figure);
                    if (m.matches()) {
                        shiftByName.put(record.className(Integer.parseInt(m.group(1))), value);
                    }
                }));
            }
            return !shiftByName.isEmpty();
        });
        assertTrue(names.containsAll(shiftByName.keySet()), "per-class version drift names the classes sent: "
                + shiftByName);
        assertTrue(shiftByName.size() >= names.size() / 2, "most classes of the probe set compared: " + shiftByName);
    }

    private static LabeledImage withId(LabeledImage image, String id) {
        return new LabeledImage(id, image.label(), image.width(), image.height(), image.channels(), image.pixels());
    }

    private static ImageRecord withLabel(LabeledImage image, String label) {
        ImageRecord record = ImageRecordEncoder.png().encode(image);
        return new ImageRecord(record.key(), record.value(),
                record.headers().with(ImageHeaders.LABEL, label.getBytes(StandardCharsets.UTF_8)));
    }

    private static void send(String bootstrap, PipelineConfig config, List<ImageRecord> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (ImageRecord record : records) {
                producer.send(record.toProducerRecord(config.kafka().imagesTopic())).get();
            }
        }
    }
}
