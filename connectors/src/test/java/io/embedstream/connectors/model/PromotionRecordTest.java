package io.embedstream.connectors.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import io.embedstream.connectors.wire.WireHeaders;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The decision records of the models topic: round trip, what the assembler makes of them, bad input refused. */
class PromotionRecordTest {
    private static final Instant AT = Instant.parse("2026-12-03T14:00:00Z");

    @Test
    void roundTripsEveryKindThroughTheTopicRecordAndTheAssembler() {
        for (PromotionRecord r : new PromotionRecord[] {
                PromotionRecord.promote(4, "P@1 0.9", AT, Map.of("precision_at_1", 0.9)),
                PromotionRecord.reject(5, 4, "P@1 0.3 is 0.6 below", AT, Map.of("held_out_images", 300)),
                PromotionRecord.rollback(2, "operator rollback", AT)}) {
            ProducerRecord<byte[], byte[]> record = r.toProducerRecord("models");
            assertEquals(PromotionRecord.KEY, new String(record.key(), StandardCharsets.UTF_8));
            assertTrue(PromotionRecord.isDecision(record.headers()));
            AssemblyResult result = ModelAssembler.builder().build().accept(record.key(), record.value(),
                    WireHeaders.fromKafka(record.headers()));
            PromotionRecord read = assertInstanceOf(AssemblyResult.Decision.class, result).decision();
            assertEquals(r.kind(), read.kind());
            assertEquals(r.version(), read.version());
            assertEquals(r.serving(), read.serving());
            assertEquals(r.reason(), read.reason());
            assertEquals(r.at(), read.at());
            assertEquals(r.evaluation().keySet(), read.evaluation().keySet());
        }
    }

    @Test
    void refusesWhatItCannotRead() {
        assertThrows(ModelFormatException.class, () -> PromotionRecord.fromBytes("{".getBytes(StandardCharsets.UTF_8)));
        assertThrows(ModelFormatException.class, () -> PromotionRecord.fromBytes(
                "{\"format\":2,\"kind\":\"promote\",\"version\":1,\"serving\":1,\"at\":\"2026-12-03T14:00:00Z\"}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertThrows(ModelFormatException.class, () -> PromotionRecord.fromBytes(
                "{\"format\":1,\"kind\":\"demote\",\"version\":1,\"serving\":1,\"at\":\"2026-12-03T14:00:00Z\"}"
                        .getBytes(StandardCharsets.UTF_8)));
        ModelFormatException inconsistent = assertThrows(ModelFormatException.class, () -> PromotionRecord.fromBytes(
                "{\"format\":1,\"kind\":\"promote\",\"version\":3,\"serving\":1,\"at\":\"2026-12-03T14:00:00Z\"}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertTrue(inconsistent.getMessage().contains("must serve it"), inconsistent.getMessage());
    }
}
