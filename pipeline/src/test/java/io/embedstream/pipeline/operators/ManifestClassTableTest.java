package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.connectors.model.ModelChunker;
import io.embedstream.connectors.model.ModelManifest;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.types.ModelSnapshot;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A manifest is one Kafka record (1 MiB by default): with many classes the class table must not make every
 * publication fail. Few classes keep their centroids and names; many lose what does not fit, and say so.
 */
class ManifestClassTableTest {
    private static final int ONE_MIB = 1024 * 1024;
    private static final TrainerConfig CONFIG = TrainerConfig.builder().classes(10)
            .network(NetworkConfig.builder().embeddingSize(128).build()).build();

    @Test
    void tenNamedClassesKeepCentroidsAndNames() {
        ModelManifest manifest = manifest(10);
        assertEquals(10, ((List<?>) manifest.extras().get("class_centroids")).size());
        assertEquals(List.of("id-0", "id-1", "id-2", "id-3", "id-4", "id-5", "id-6", "id-7", "id-8", "id-9"),
                manifest.classNames());
        assertFalse(manifest.extras().containsKey(ModelRecordsFunction.CLASS_TABLE_OMITTED_EXTRA));
    }

    @Test
    void tenThousandClassesKeepTheirNamesButNotTheCentroidsAndTheManifestFitsOneRecord() {
        ModelManifest manifest = manifest(10_000);
        assertFalse(manifest.extras().containsKey("class_centroids"));
        assertEquals(10_000, manifest.classNames().size());
        assertTrue(manifest.extras().get(ModelRecordsFunction.CLASS_TABLE_OMITTED_EXTRA).toString()
                .startsWith("class_centroids: 10000 classes x 128 dimensions exceed"));
        assertTrue(manifestRecordBytes(10_000) < ONE_MIB);
    }

    @Test
    void aHundredThousandClassesLeaveTheWholeTableOutAndTheManifestStillFits() {
        ModelManifest manifest = manifest(100_000);
        assertFalse(manifest.extras().containsKey("class_centroids"));
        assertTrue(manifest.classNames().isEmpty());
        assertTrue(manifest.extras().get(ModelRecordsFunction.CLASS_TABLE_OMITTED_EXTRA).toString()
                .startsWith("class_centroids and class_names: 100000 classes exceed"));
        assertTrue(manifestRecordBytes(100_000) < ONE_MIB);
    }

    @Test
    void theLargestTableKeptStillFitsOneRecord() {
        // Just under the budget (15 bytes a value, 4 + 6 a name): ~340 classes of 128 dimensions keep their centroids.
        int classes = (int) (ModelRecordsFunction.CLASS_TABLE_BUDGET / (128 * 15 + 10)) - 1;
        assertTrue(manifest(classes).extras().containsKey("class_centroids"));
        assertTrue(manifestRecordBytes(classes) < ONE_MIB);
    }

    private static ModelManifest manifest(int classes) {
        return ModelRecordsFunction.draftManifest(CONFIG, snapshot(classes));
    }

    private static int manifestRecordBytes(int classes) {
        List<ProducerRecord<byte[], byte[]>> records = ModelChunker.builder().topic("models").build()
                .chunk(manifest(classes), new byte[16]).records();
        return records.get(records.size() - 1).value().length;
    }

    private static ModelSnapshot snapshot(int classes) {
        ModelSnapshot snapshot = new ModelSnapshot();
        snapshot.version = 1;
        snapshot.step = 10;
        snapshot.timestampMillis = 1_000_000L;
        snapshot.classes = classes;
        snapshot.classWeights = new float[classes * 128];
        for (int i = 0; i < snapshot.classWeights.length; i++) {
            snapshot.classWeights[i] = (float) Math.sin(i * 0.7 + 0.1);
        }
        snapshot.classNames = new String[classes];
        for (int c = 0; c < classes; c++) {
            snapshot.classNames[c] = "id-" + c;
        }
        return snapshot;
    }
}
