package io.embedstream.pipeline;

import static io.embedstream.pipeline.PipelineTestSupport.accumulator;
import static io.embedstream.pipeline.PipelineTestSupport.await;
import static io.embedstream.pipeline.PipelineTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.model.AssemblyResult;
import io.embedstream.connectors.model.ModelAssembler;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.job.LocalJob;
import io.embedstream.pipeline.operators.Accumulators;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop with a savepoint after K steps and start again from it: the trainer resumes at step K with exactly the
 * parameters it had, keeps training, and model versions keep increasing across the restart.
 */
class SavepointRestoreTest {
    @TempDir
    Path temp;

    @Test
    void restoreFromSavepointContinuesAtTheSavedStepWithTheSavedParameters() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            PipelineConfig config = PipelineTestSupport.smallJob(bootstrap, temp.resolve("checkpoints"), 5);
            broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().modelsTopic(), config.kafka().metricsTopic());
            produce(bootstrap, config, 1, 1200);

            JobClient first = LocalJob.start(config, null);
            await("the first 1,200 images trained on", Duration.ofMinutes(4),
                    () -> accumulator(first, Accumulators.TRAINED_FRESH)
                            + accumulator(first, Accumulators.BATCHER_DROPPED) >= 1200);
            String savepoint = first.stopWithSavepoint(false, temp.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get();
            JobExecutionResult stopped = first.getJobExecutionResult().get();
            long savedStep = stopped.<Long>getAccumulatorResult(Accumulators.SNAPSHOT_STEP);
            long savedDigest = stopped.<Long>getAccumulatorResult(Accumulators.SNAPSHOT_STATE_DIGEST);
            assertTrue(savedStep > 5, "expected a few steps before the savepoint, got " + savedStep);
            long versionsBefore = lastVersion(bootstrap, config);
            assertTrue(versionsBefore >= 1);

            JobClient second = LocalJob.start(config, savepoint);
            try {
                await("the trainer restored", Duration.ofMinutes(2),
                        () -> accumulator(second, Accumulators.RESTORED_STEP, Accumulators.LastValue.UNSET)
                                != Accumulators.LastValue.UNSET);
                assertEquals(savedStep, accumulator(second, Accumulators.RESTORED_STEP), "step continues at K");
                assertEquals(savedDigest, accumulator(second, Accumulators.RESTORED_STATE_DIGEST),
                        "restored state (parameters, moments, step, RNG) is bit-identical to the saved one");

                produce(bootstrap, config, 2, 1200);
                await("training continues past K and publishes", Duration.ofMinutes(4),
                        () -> accumulator(second, Accumulators.SNAPSHOT_STEP, Accumulators.LastValue.UNSET) > savedStep + 5);
                assertNotEquals(savedDigest, accumulator(second, Accumulators.SNAPSHOT_STATE_DIGEST));
                await("a version published after the restart", Duration.ofMinutes(2),
                        () -> lastVersion(bootstrap, config) > versionsBefore);
            } finally {
                second.cancel().get();
            }
            List<Long> versions = versions(bootstrap, config);
            for (int i = 1; i < versions.size(); i++) {
                assertTrue(versions.get(i) > versions.get(i - 1), "versions strictly increase: " + versions);
            }
        }
    }

    private static void produce(String bootstrap, PipelineConfig config, long seed, int count) {
        PipelineTestSupport.produce(bootstrap, config, SyntheticShapes.builder().seed(seed).build().generate(count));
    }

    private static long lastVersion(String bootstrap, PipelineConfig config) {
        List<Long> v = versions(bootstrap, config);
        return v.isEmpty() ? 0 : v.get(v.size() - 1);
    }

    /** Complete versions in the order a read-committed consumer sees them. */
    private static List<Long> versions(String bootstrap, PipelineConfig config) {
        ModelAssembler assembler = ModelAssembler.builder().build();
        List<Long> versions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, config.kafka().modelsTopic(), Duration.ofSeconds(2))) {
            if (assembler.accept(r) instanceof AssemblyResult.Completed c) {
                versions.add(c.model().manifest().version());
            }
        }
        return versions;
    }
}
