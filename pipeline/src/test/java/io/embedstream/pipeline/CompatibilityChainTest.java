package io.embedstream.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.model.ModelPublisher;
import io.embedstream.connectors.model.PromotionRecord;
import io.embedstream.model.compat.EmbeddingMap;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.operators.ModelRecordsFunction;
import io.embedstream.pipeline.types.GateDecision;
import io.embedstream.pipeline.types.ModelSnapshot;
import io.embedstream.serving.EmbeddingModelLoader;
import io.embedstream.serving.ModelSubscriber;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The maps promoted versions carry, composed by the subscriber along a chain of promotions (1 -> 2 -> 4, with 3
 * rejected): a vector of version 1's space carried to version 4 is x A B, computed here by hand.
 */
class CompatibilityChainTest {
    private static final String TOPIC = "embedstream.models";
    private static final int D = 8;
    private static final TrainerConfig CONFIG = TrainerConfig.builder().classes(10)
            .network(NetworkConfig.builder().embeddingSize(D).build()).build();

    @Test
    void subscriberComposesTheMapsAlongTheChainOfPromotedVersions() throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        double[] a = randomMatrix(random);
        double[] b = randomMatrix(random);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             ModelPublisher publisher = ModelPublisher.builder().bootstrapServers(broker.bootstrapServers())
                     .topic(TOPIC).transactionalId("compat-test").build()) {
            broker.createTopics(TOPIC);
            publish(publisher, 1, true, -1, null);
            publish(publisher, 2, true, 1, a);
            publish(publisher, 3, false, -1, null);
            publish(publisher, 4, true, 2, b);
            try (ModelSubscriber<EmbeddingModel> models = ModelSubscriber.builder(new EmbeddingModelLoader())
                    .bootstrapServers(broker.bootstrapServers()).topic(TOPIC).build()) {
                PipelineTestSupport.await("version 4 served", Duration.ofSeconds(60), () -> models.currentVersion() == 4);
                double[] x = new double[D];
                for (int i = 0; i < D; i++) {
                    x[i] = random.nextDouble() - 0.5;
                }
                double[] expected = times(times(x, a), b);
                double[] carried = models.compatibilityMap(1, 4).orElseThrow().apply(x, 1);
                for (int j = 0; j < D; j++) {
                    assertEquals(expected[j], carried[j], 1e-5, "component " + j);
                }
                double[] step = models.compatibilityMap(2, 4).orElseThrow().apply(x, 1);
                double[] expectedStep = times(x, b);
                for (int j = 0; j < D; j++) {
                    assertEquals(expectedStep[j], step[j], 1e-5, "component " + j);
                }
                assertEquals(x[3], models.compatibilityMap(4, 4).orElseThrow().apply(x, 1)[3], 0);
                assertTrue(models.compatibilityMap(3, 4).isEmpty(), "a rejected version is not on the chain");
                assertTrue(models.compatibilityMap(0, 4).isEmpty(), "an unknown version is not on the chain");
            }
        }
    }

    private static double[] randomMatrix(SplittableRandom random) {
        double[] m = new double[D * D];
        for (int i = 0; i < m.length; i++) {
            m[i] = random.nextDouble() - 0.5;
        }
        return m;
    }

    /** Row vector x (1 x D) times M (D x D, row-major). */
    private static double[] times(double[] x, double[] m) {
        double[] y = new double[D];
        for (int j = 0; j < D; j++) {
            for (int i = 0; i < D; i++) {
                y[j] += x[i] * m[i * D + j];
            }
        }
        return y;
    }

    private static void publish(ModelPublisher publisher, long version, boolean promote, long from, double[] map) {
        ModelSnapshot snapshot = new ModelSnapshot();
        snapshot.version = version;
        snapshot.step = version * 10;
        snapshot.timestampMillis = System.currentTimeMillis();
        snapshot.classes = CONFIG.classes();
        snapshot.classWeights = new float[CONFIG.classes() * D];
        java.util.Arrays.fill(snapshot.classWeights, 1f);
        GateDecision decision = new GateDecision();
        decision.kind = promote ? "promote" : "reject";
        if (map != null) {
            decision.compatFrom = from;
            decision.compatMethod = "procrustes-scaled";
            decision.compatRows = D;
            decision.compatCols = D;
            decision.compatMatrix = map;
        }
        snapshot.decision = decision;
        byte[] parameters;
        try (EmbeddingModel model = EmbeddingModel.create(CONFIG.network(), Device.cpu(), version)) {
            parameters = model.parametersToBytes();
        }
        Instant at = Instant.ofEpochMilli(snapshot.timestampMillis);
        PromotionRecord record = promote ? PromotionRecord.promote(version, "test", at, Map.of())
                : PromotionRecord.reject(version, version - 1, "test", at, Map.of());
        publisher.publish(ModelRecordsFunction.draftManifest(CONFIG, snapshot), parameters, List.of(record));
    }
}
