package io.embedstream.pipeline;

import static io.embedstream.pipeline.PipelineTestSupport.accumulator;
import static io.embedstream.pipeline.PipelineTestSupport.assertRunning;
import static io.embedstream.pipeline.PipelineTestSupport.await;
import static io.embedstream.pipeline.PipelineTestSupport.readAll;
import static io.embedstream.pipeline.PipelineTestSupport.startWithoutRestarts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.pipeline.cli.PipelineLauncher;
import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.broker.TestCertificates;
import io.embedstream.connectors.model.AssemblyResult;
import io.embedstream.connectors.model.ModelAssembler;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.operators.Accumulators;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real broker that only accepts SASL/SCRAM-SHA-256 clients over TLS (SASL_SSL): with credentials and its trust
 * store, `produce` sends images and the job
 * (source, dead-letter and model sinks, metrics sink) trains and publishes a model that a consumer with
 * credentials reads; without them, `produce` and `train` stop at once with an error that says what is missing.
 */
class SecuredKafkaPipelineTest {
    @TempDir
    Path temp;

    @Test
    void thePipelineWorksWithCredentialsAndFailsClearlyWithout() throws Exception {
        TestCertificates certs = TestCertificates.localhost(temp.resolve("tls"), "changeit-123");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().scramUser("broker", "broker-secret")
                .scramUser("trainer", "trainer-secret").tls(certs.keyStore(), certs.trustStore(), certs.password())
                .autoCreateTopics(false).build().start()) {
            String bootstrap = broker.bootstrapServers();
            Map<String, String> credentials = broker.clientProperties("trainer", "trainer-secret");
            PipelineConfig base = PipelineTestSupport.smallJob(bootstrap, temp.resolve("checkpoints"), 5);
            PipelineConfig config = base.withKafka(base.kafka().withClientProperties(credentials));
            broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().modelsTopic(), config.kafka().metricsTopic());

            CommandOutput denied = run("produce", "--bootstrap", bootstrap, "--dataset", "synthetic:100:10");
            assertEquals(2, denied.exitCode(), denied.stderr());
            assertTrue(denied.stderr().contains("no answer from Kafka at " + bootstrap)
                    && denied.stderr().contains("sasl.jaas.config"), denied.stderr());
            CommandOutput wrong = run(withSettings(new String[] {"train", "--bootstrap", bootstrap},
                    broker.clientProperties("trainer", "nope")));
            assertEquals(2, wrong.exitCode(), wrong.stderr());
            assertTrue(wrong.stderr().contains("refused the credentials"), wrong.stderr());

            CommandOutput produced = run(withSettings(new String[] {"produce", "--bootstrap", bootstrap,
                    "--dataset", "synthetic:600:10", "--count", "600"}, credentials));
            assertEquals(0, produced.exitCode(), produced.stderr());

            JobClient job = startWithoutRestarts(config);
            try {
                await(job, "600 images trained on or accounted for", Duration.ofMinutes(3),
                        () -> accumulator(job, Accumulators.TRAINED_FRESH)
                                + accumulator(job, Accumulators.BATCHER_DROPPED) >= 600);
                await(job, "a model version readable with credentials", Duration.ofMinutes(2),
                        () -> completeVersions(bootstrap, credentials, config) > 0);
                // 600 images fill at least one metrics window of 256 embeddings.
                await(job, "a metrics record readable with credentials", Duration.ofMinutes(1),
                        () -> !readAll(bootstrap, credentials, config.kafka().metricsTopic(), Duration.ofSeconds(2))
                                .isEmpty());
                assertRunning(job);
            } finally {
                job.cancel().get();
            }
        }
    }

    private static int completeVersions(String bootstrap, Map<String, String> credentials, PipelineConfig config) {
        ModelAssembler assembler = ModelAssembler.builder().build();
        int complete = 0;
        for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, credentials, config.kafka().modelsTopic(),
                Duration.ofSeconds(2))) {
            if (assembler.accept(r) instanceof AssemblyResult.Completed) {
                complete++;
            }
        }
        return complete;
    }

    /** The command line with one {@code -X key=value} per client setting. */
    private static String[] withSettings(String[] command, Map<String, String> settings) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command));
        settings.forEach((k, v) -> {
            args.add("-X");
            args.add(k + "=" + v);
        });
        return args.toArray(String[]::new);
    }

    private record CommandOutput(int exitCode, String stderr) {}

    private static synchronized CommandOutput run(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = PipelineLauncher.run(args);
            return new CommandOutput(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }
}
