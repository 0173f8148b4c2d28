package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertTrue;
import io.embedstream.connectors.model.ModelDirectory;
import io.embedstream.connectors.model.ModelDirectoryReader;
import io.embedstream.connectors.model.PromotionRecord;
import io.embedstream.pipeline.types.GateDecision;
import io.embedstream.serving.ModelSubscriber;
import io.embedstream.connectors.model.PublishedModel;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.types.ModelSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions land in the reader's layout through a file-system URI, and a replayed version replaces the earlier one. */
class ModelDirectorySinkTest {
    @TempDir
    Path dir;

    private static ModelSnapshot snapshot(long version, byte fill) {
        ModelSnapshot s = new ModelSnapshot();
        s.version = version;
        s.step = version * 10;
        s.timestampMillis = 1_000_000L * version;
        s.parameters = new byte[1000];
        java.util.Arrays.fill(s.parameters, fill);
        s.classes = 2;
        s.classWeights = new float[] {1, 0, 0, 1};
        return s;
    }

    @Test
    void writesVersionsAndReplacesAReplayedOne() throws Exception {
        TrainerConfig config = TrainerConfig.builder().network(NetworkConfig.builder().embeddingSize(2).build())
                .classes(2).device("cpu").build();
        ModelDirectorySink sink = new ModelDirectorySink(config, dir.toUri().toString());
        sink.open(null);
        sink.invoke(snapshot(1, (byte) 1), null);
        sink.invoke(snapshot(2, (byte) 2), null);
        sink.invoke(snapshot(2, (byte) 3), null); // the same version after a restore, other parameters
        ModelDirectoryReader reader = new ModelDirectoryReader(dir);
        assertEquals(List.of(1L, 2L), reader.versions());
        PublishedModel latest = reader.latest().orElseThrow();
        assertEquals(2, latest.manifest().version());
        byte[] expected = new byte[1000];
        java.util.Arrays.fill(expected, (byte) 3);
        assertArrayEquals(expected, latest.parameters(), "the replayed version replaced the first attempt");
        try (var entries = Files.list(dir)) {
            assertEquals(2, entries.count(), "no temporary or replaced directories are left behind");
        }
    }

    @Test
    void judgedVersionsCarryTheirDecisionAndADirectorySubscriberServesOnlyPromotedOnes() throws Exception {
        TrainerConfig config = TrainerConfig.builder().network(NetworkConfig.builder().embeddingSize(2).build())
                .classes(2).device("cpu").build();
        ModelDirectorySink sink = new ModelDirectorySink(config, dir.toUri().toString());
        sink.open(null);
        sink.invoke(judged(1, "promote"), null);
        sink.invoke(judged(2, "promote"), null);
        sink.invoke(judged(3, "reject"), null);
        assertEquals(PromotionRecord.Kind.REJECT, PromotionRecord.fromBytes(
                Files.readAllBytes(dir.resolve("v3").resolve(ModelDirectory.DECISION_FILE))).kind());
        ModelDirectoryReader reader = new ModelDirectoryReader(dir);
        assertEquals(3, reader.latest().orElseThrow().version());
        assertEquals(2, reader.newestPromoted().orElseThrow().version(), "what demo evaluates first: the served version");
        try (ModelSubscriber<Long> promoted = ModelSubscriber.<Long>builder(PublishedModel::version)
                .modelDirectory(dir).follow(false).build();
             ModelSubscriber<Long> candidates = ModelSubscriber.<Long>builder(PublishedModel::version)
                     .modelDirectory(dir).follow(false).serveCandidates(true).build()) {
            assertTrue(promoted.awaitModel(java.time.Duration.ofSeconds(10)));
            assertEquals(2, promoted.currentVersion(), "the rejected candidate 3 is not served");
            assertTrue(candidates.awaitModel(java.time.Duration.ofSeconds(10)));
            assertEquals(3, candidates.currentVersion(), "serveCandidates serves it");
        }
    }

    @Test
    void aDirectoryOfRejectedCandidatesHasNoPromotedVersion() throws Exception {
        TrainerConfig config = TrainerConfig.builder().network(NetworkConfig.builder().embeddingSize(2).build())
                .classes(2).device("cpu").build();
        ModelDirectorySink sink = new ModelDirectorySink(config, dir.toUri().toString());
        sink.open(null);
        sink.invoke(judged(1, "reject"), null);
        assertTrue(new ModelDirectoryReader(dir).newestPromoted().isEmpty());
        sink.invoke(snapshot(2, (byte) 2), null); // written without a gate: served, as by a subscriber
        assertEquals(2, new ModelDirectoryReader(dir).newestPromoted().orElseThrow().version());
    }

    private static ModelSnapshot judged(long version, String kind) {
        ModelSnapshot s = snapshot(version, (byte) version);
        s.decision = new GateDecision();
        s.decision.kind = kind;
        s.decision.serving = "promote".equals(kind) ? version : version - 1;
        return s;
    }
}
