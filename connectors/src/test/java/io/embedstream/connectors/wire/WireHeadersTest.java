package io.embedstream.connectors.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class WireHeadersTest {

    @Test
    void lastRepeatedKafkaHeaderWinsAndNullBecomesEmpty() {
        RecordHeaders kafka = new RecordHeaders();
        kafka.add("label", "1".getBytes(StandardCharsets.UTF_8));
        kafka.add("id", null);
        kafka.add("label", "2".getBytes(StandardCharsets.UTF_8));
        WireHeaders headers = WireHeaders.fromKafka(kafka);
        assertEquals(Optional.of("2"), headers.string("label"));
        assertArrayEquals(new byte[0], headers.bytes("id").orElseThrow());
        assertEquals(List.of("id", "label"), List.copyOf(headers.names()));
    }

    @Test
    void immutableCopies() {
        byte[] value = {1, 2};
        WireHeaders headers = WireHeaders.empty().with("x", value);
        value[0] = 9;
        headers.bytes("x").orElseThrow()[1] = 9;
        assertArrayEquals(new byte[] {1, 2}, headers.bytes("x").orElseThrow());
        assertEquals(WireHeaders.empty(), headers.without("x"));
        assertTrue(headers.toString().contains("x=<2 bytes>"), headers.toString());
    }

    @Test
    void sourceFormatParsesBackWithDashedTopics() {
        RecordSource source = new RecordSource("my-images-v2", 3, 1234);
        assertEquals("my-images-v2-3-1234", source.toString());
        assertEquals(Optional.of(source), DeadLetters.parseSource(source.toString()));
        assertEquals(Optional.empty(), DeadLetters.parseSource("garbage"));
    }
}
