package io.embedstream.pipeline;

import static io.embedstream.pipeline.PipelineTestSupport.accumulator;
import static io.embedstream.pipeline.PipelineTestSupport.await;
import static io.embedstream.pipeline.PipelineTestSupport.startWithoutRestarts;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.wire.DeadLetter;
import io.embedstream.connectors.wire.DeadLetters;
import io.embedstream.connectors.wire.ImageHeaders;
import io.embedstream.connectors.wire.ImageRecord;
import io.embedstream.connectors.wire.ImageRecordEncoder;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.operators.Accumulators;
import io.embedstream.types.LabeledImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * class weights growing from 4 to the 10 names), and a new name
 * beyond the class capacity, a label that is too long and one that is not UTF-8 go to the dead-letter topic with
 * their reasons; the job keeps running (no restart strategy).
 */
class ClassNamesPipelineTest {
    @TempDir
    Path temp;

    @Test
    void namedClassesTrainAndWhatCannotBeNamedIsDeadLettered() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            PipelineConfig base = PipelineTestSupport.smallJob(bootstrap, temp.resolve("checkpoints"), 1000);
            // The trainer starts with 4 classes and grows its class weights as the 10 names arrive (issue 16), up to
            // classes.max = 10: a batch with a class beyond the initial 4 would otherwise be refused and train nothing.
            int classes = 10;
            PipelineConfig config = new PipelineConfig(base.kafka(),
                    base.trainer().toBuilder().classes(4).maxClasses(classes).build(),
                    base.batcher().withClassNames(true), base.publish(), base.metrics(), base.runtime(),
                    base.promotion());
            broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().modelsTopic(), config.kafka().metricsTopic());
            List<LabeledImage> images = SyntheticShapes.builder().seed(5).build().generate(400);
            List<ImageRecord> named = new ArrayList<>();
            for (LabeledImage image : images) {
                named.add(withLabel(image, "shape \u00e9" + image.label())); // one name per class: `classes` names
            }
            JobClient job = startWithoutRestarts(config);
            try {
                send(bootstrap, config, named);
                await(job, "every named image in the batcher", Duration.ofSeconds(180),
                        () -> accumulator(job, Accumulators.BATCHER_INGESTED) == images.size());
                await(job, "training steps on named classes", Duration.ofSeconds(120),
                        () -> accumulator(job, Accumulators.TRAINED_FRESH) > 0);

                // Only now, so that every class name above holds its index: names the registry must refuse.
                List<ImageRecord> bad = new ArrayList<>();
                Map<String, String> expected = new TreeMap<>();
                LabeledImage any = images.get(0);
                for (int i = 0; i < 3; i++) {
                    bad.add(withLabel(withId(any, "new-" + i), "one class too many"));
                    expected.put("new-" + i, "class capacity of " + classes
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
                assertEquals(images.size(), accumulator(job, Accumulators.BATCHER_INGESTED),
                        "a refused name never reaches the batches");
            } finally {
                job.cancel().get();
            }
        }
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
