package io.embedstream.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.embedstream.model.train.TrainerConfig;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The batcher's P x K follows the class count when it is not set (issue 19): every class in every batch. */
class BatchCompositionDefaultsTest {

    private static BatcherConfig batcherFor(int classes, Map<String, String> settings) {
        Properties p = new Properties();
        p.putAll(settings);
        return PipelineConfig.fromProperties(p, TrainerConfig.builder().classes(classes).build()).batcher();
    }

    private static String pk(BatcherConfig b) {
        return b.classesPerBatch() + "x" + b.samplesPerClass();
    }

    @Test
    void tenClassesAreAllInEveryBatchOfAbout128() {
        assertEquals("10x13", pk(batcherFor(10, Map.of())));
        assertEquals("16x8", pk(batcherFor(16, Map.of())));
        assertEquals("9x14", pk(batcherFor(9, Map.of())));
    }

    @Test
    void fewClassesKeepSixteenEachAndManyClassesKeepEightBySixteen() {
        assertEquals("4x16", pk(batcherFor(4, Map.of())), "4 classes used to need an explicit P to start at all");
        assertEquals("8x16", pk(batcherFor(8, Map.of())));
        assertEquals("8x16", pk(batcherFor(17, Map.of())));
        assertEquals("8x16", pk(batcherFor(1000, Map.of())));
    }

    @Test
    void settingsWinAndNamedClassesKeepTheFixedDefault() {
        assertEquals("8x16", pk(batcherFor(10, Map.of("batcher.classes-per-batch", "8",
                "batcher.samples-per-class", "16"))));
        assertEquals("10x8", pk(batcherFor(10, Map.of("batcher.samples-per-class", "8"))));
        // Named classes grow as the stream names them, so the initial count says nothing about later batches.
        assertEquals("8x16", pk(batcherFor(10, Map.of("classes.names", "true"))));
    }
}
