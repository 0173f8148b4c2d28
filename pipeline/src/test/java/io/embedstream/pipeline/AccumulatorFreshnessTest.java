package io.embedstream.pipeline;

import static io.embedstream.pipeline.PipelineTestSupport.accumulator;
import static io.embedstream.pipeline.PipelineTestSupport.await;
import static io.embedstream.pipeline.PipelineTestSupport.startWithoutRestarts;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.dataset.DatasetProducer;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.operators.Accumulators;
import io.embedstream.types.LabeledImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local job's counters reach its client within about a second. They travel with the task executor's heartbeat,
 * 10 s by Flink's default; demo ends a run after 15 s without visible progress, and a heartbeat late by a few seconds
 * made it stop a 40,000-image stream after 9,527 images while the job was still training.
 */
class AccumulatorFreshnessTest {
    private static final int RATE = 100;

    @TempDir
    Path temp;

    @Test
    void theDecodedCountMovesSeveralTimesInEightSecondsOfASteadyStream() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            PipelineConfig config = PipelineTestSupport.smallJob(bootstrap, temp.resolve("checkpoints"), 10);
            broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().modelsTopic(), config.kafka().metricsTopic());
            JobClient job = startWithoutRestarts(config);
            List<LabeledImage> images = SyntheticShapes.builder().seed(3).build().generate(30 * RATE);
            Thread producer = new Thread(() -> {
                try (DatasetProducer p = DatasetProducer.builder().bootstrapServers(bootstrap)
                        .topic(config.kafka().imagesTopic()).rateLimit(RATE).build()) {
                    p.send(images.iterator());
                }
            }, "steady-producer");
            producer.setDaemon(true);
            try {
                producer.start();
                await(job, "the first decoded image", Duration.ofMinutes(2),
                        () -> accumulator(job, Accumulators.DECODED) > 0);
                long last = accumulator(job, Accumulators.DECODED);
                int changes = 0;
                long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
                while (System.nanoTime() < end) {
                    Thread.sleep(250);
                    long now = accumulator(job, Accumulators.DECODED);
                    if (now != last) {
                        changes++;
                        last = now;
                    }
                }
                // At 100 images/s the count moves at every heartbeat: about 8 times in 8 s at 1 s, at most once at 10 s.
                assertTrue(changes >= 4, "the decoded count changed " + changes + " times in 8 s");
            } finally {
                producer.interrupt();
                job.cancel().get();
            }
        }
    }
}
