package io.embedstream.pipeline;

import static io.embedstream.pipeline.PipelineTestSupport.await;
import static io.embedstream.pipeline.PipelineTestSupport.readAll;
import static io.embedstream.pipeline.PipelineTestSupport.startWithoutRestarts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.wire.metrics.AlarmChange;
import io.embedstream.connectors.wire.metrics.MetricsRecord;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.pipeline.config.DriftSettings;
import io.embedstream.pipeline.config.MetricsSettings;
import io.embedstream.pipeline.config.PipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import io.embedstream.pipeline.cli.PipelineLauncher;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calibrated drift detectors in the running job (embedded broker, MiniCluster): a stream whose class mix
 * changes while each class's images stay the same raises LABEL_SHIFT, naming the classes, and never DATA_DRIFT.
 * Every image is sampled (drift sample = half a window), the reference is 256 images, ERT 200 windows.
 */
class ClassAwareDriftPipelineTest {
    @TempDir
    Path temp;

    static PipelineConfig driftJob(String bootstrap, Path checkpoints) {
        PipelineConfig small = PipelineTestSupport.smallJob(bootstrap, checkpoints, 2);
        return small.withMetrics(new MetricsSettings(256, 64, 128, 1, null, new DriftSettings(256, 200, 1, 32, 0)));
    }

    @Test
    void aNewClassMixRaisesLabelShiftAndNeverDataDrift() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            PipelineConfig config = driftJob(bootstrap, temp.resolve("checkpoints"));
            broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().modelsTopic(), config.kafka().metricsTopic());
            PipelineTestSupport.produce(bootstrap, config, SyntheticShapes.builder().seed(21).build().generate(900));

            JobClient job = startWithoutRestarts(config);
            try {
                await(job, "the drift detectors calibrated and a window tested", Duration.ofMinutes(3),
                        () -> records(bootstrap, config).stream()
                                .anyMatch(r -> r.metric("drift.ert.step").isPresent()));
                // The same ten shapes, but classes 5-9 now make up about 1% of the images instead of half.
                Random keep = new Random(5);
                List<LabeledImage> skewed = SyntheticShapes.builder().seed(22).build().generate(1600).stream()
                        .filter(i -> i.label() < 5 || keep.nextDouble() < 0.02).toList();
                PipelineTestSupport.produce(bootstrap, config, skewed);
                await(job, "LABEL_SHIFT raised", Duration.ofMinutes(3),
                        () -> records(bootstrap, config).stream().anyMatch(r -> r.activeAlarms().contains("LABEL_SHIFT")));
            } finally {
                job.cancel().get();
            }
            List<MetricsRecord> records = records(bootstrap, config);
            AlarmChange raised = records.stream().flatMap(r -> r.alarms().stream())
                    .filter(a -> a.kind().equals("LABEL_SHIFT") && a.state().equals("RAISED")).findFirst().orElseThrow();
            System.out.println("LABEL_SHIFT: " + raised.reason());
            assertTrue(raised.reason().contains("moved: class"), raised.reason());
            for (MetricsRecord r : records) {
                assertTrue(!r.activeAlarms().contains("DATA_DRIFT"), "window " + r.window() + " raised DATA_DRIFT: "
                        + r.alarms());
            }
            MetricsRecord shifted = records.stream().filter(r -> r.activeAlarms().contains("LABEL_SHIFT")).findFirst()
                    .orElseThrow();
            assertTrue(shifted.metric("drift.label_shift.p_value").getAsDouble() <= 1.0 / 200, shifted.metrics().toString());
            assertTrue(shifted.metric("drift.label_shift.total_variation").getAsDouble() > 0.2, shifted.metrics().toString());
            // The covariate detector tests a window only when every reference class is in it, which a mix that all but
            // drops five classes often is not; it was tested on the stationary windows, before the shift.
            assertTrue(records.stream().anyMatch(r -> r.metric("drift.ert.statistic").isPresent()
                    && r.metric("drift.ert.threshold").isPresent()), "no window with the ERT statistic and threshold");
            assertEquals(256.0, shifted.metric("drift.reference.rows").getAsDouble());
            assertEquals(0.0, shifted.metric("drift.reference.rebases").getAsDouble());
        }
    }

    @Test
    void ackDriftRebasesTheReference() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            PipelineConfig config = driftJob(bootstrap, temp.resolve("checkpoints"));
            broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().modelsTopic(), config.kafka().metricsTopic(), config.kafka().controlTopic());
            PipelineTestSupport.produce(bootstrap, config, SyntheticShapes.builder().seed(31).build().generate(900));

            JobClient job = startWithoutRestarts(config);
            try {
                await(job, "the drift detectors calibrated", Duration.ofMinutes(3),
                        () -> records(bootstrap, config).stream()
                                .anyMatch(r -> r.metric("drift.reference.version").isPresent()));
                assertEquals(0, PipelineLauncher.run("ack-drift", "--bootstrap", bootstrap,
                        "--topic", config.kafka().controlTopic(), "--reason", "new camera"));
                // Windows close with training steps: more images, which also form the new reference.
                Thread.sleep(2000);
                PipelineTestSupport.produce(bootstrap, config, SyntheticShapes.builder().seed(32).build().generate(900));
                await(job, "a record of the re-base", Duration.ofMinutes(2),
                        () -> records(bootstrap, config).stream()
                                .anyMatch(r -> r.metric("drift.reference.rebases").orElse(0) == 1));
                await(job, "the new reference calibrated", Duration.ofMinutes(3),
                        () -> records(bootstrap, config).stream()
                                .anyMatch(r -> r.metric("drift.reference.rebases").orElse(0) == 1
                                        && r.metric("drift.reference.version").isPresent()));
            } finally {
                job.cancel().get();
            }
            List<MetricsRecord> records = records(bootstrap, config);
            MetricsRecord rebased = records.stream().filter(r -> r.metric("drift.reference.rebases").orElse(0) == 1)
                    .findFirst().orElseThrow();
            System.out.println("re-base window " + rebased.window() + ": " + rebased.notes());
            assertTrue(rebased.notes().stream().anyMatch(n -> n.contains("re-based (drift acknowledged: new camera)")),
                    rebased.notes().toString());
            // The new reference may already be complete and calibrated on when the re-base's window closes: its
            // samples arrive ahead of the training steps that close windows.
            MetricsRecord before = records.stream().filter(r -> r.metric("drift.reference.version").isPresent())
                    .findFirst().orElseThrow();
            MetricsRecord after = records.stream().filter(r -> r.metric("drift.reference.rebases").orElse(0) == 1
                    && r.metric("drift.reference.version").isPresent()).findFirst().orElseThrow();
            assertTrue(after.metric("drift.reference.version").getAsDouble()
                    > before.metric("drift.reference.version").getAsDouble(), "the new reference is embedded by a newer"
                    + " version: " + before.metrics() + " / " + after.metrics());
            assertEquals(256.0, after.metric("drift.reference.rows").getAsDouble());
        }
    }

    @Test
    void quietWindowsRebaseTheReference() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            PipelineConfig drift = driftJob(bootstrap, temp.resolve("checkpoints"));
            MetricsSettings m = drift.metrics();
            DriftSettings d = m.drift();
            // The quiet rule on: two tested windows in a row without a drift alarm re-base the reference.
            PipelineConfig config = drift.withMetrics(m.withDrift(new DriftSettings(d.referenceSize(),
                    d.expectedRunTime(), d.windowSteps(), d.rowsPerStep(), 2, d.versionWarmup())));
            broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().modelsTopic(), config.kafka().metricsTopic(), config.kafka().controlTopic());
            PipelineTestSupport.produce(bootstrap, config, SyntheticShapes.builder().seed(41).build().generate(900));
            JobClient job = startWithoutRestarts(config);
            try {
                await(job, "the drift detectors calibrated", Duration.ofMinutes(3),
                        () -> records(bootstrap, config).stream()
                                .anyMatch(r -> r.metric("drift.reference.version").isPresent()));
                PipelineTestSupport.produce(bootstrap, config, SyntheticShapes.builder().seed(42).build().generate(1200));
                await(job, "a re-base after quiet windows", Duration.ofMinutes(3),
                        () -> records(bootstrap, config).stream()
                                .anyMatch(r -> r.metric("drift.reference.rebases").orElse(0) >= 1));
            } finally {
                job.cancel().get();
            }
            List<MetricsRecord> records = records(bootstrap, config);
            MetricsRecord rebased = records.stream().filter(r -> r.metric("drift.reference.rebases").orElse(0) >= 1)
                    .findFirst().orElseThrow();
            System.out.println("quiet re-base window " + rebased.window() + ": " + rebased.notes());
            assertTrue(rebased.notes().stream().anyMatch(n -> n.contains("re-based (2 windows without a drift alarm)")),
                    rebased.notes().toString());
            assertTrue(records.stream().noneMatch(r -> r.window() < rebased.window()
                    && r.metric("drift.reference.rebases").orElse(0) >= 1), "no earlier re-base");
        }
    }

    static List<MetricsRecord> records(String bootstrap, PipelineConfig config) {
        List<MetricsRecord> records = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, config.kafka().metricsTopic(), Duration.ofMillis(700))) {
            records.add(MetricsRecord.fromJson(r.value()));
        }
        return records;
    }
}
