package io.embedstream.connectors.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Record headers as an immutable, ordered name → bytes map: the neutral form that both a Kafka
 * {@code ConsumerRecord} and a Flink deserializer can hand to the decoders here.
 *
 * <p>Kafka allows repeated header names; like {@link Headers#lastHeader(String)}, the last value wins. A header
 * with a null value is kept as an empty array (null and empty mean the same on this wire). Byte arrays are
 * copied in and out so instances are safe to share.
 */
public final class WireHeaders {

    private static final WireHeaders EMPTY = new WireHeaders(new LinkedHashMap<>());

    private final Map<String, byte[]> values;

    private WireHeaders(LinkedHashMap<String, byte[]> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** No headers. */
    public static WireHeaders empty() {
        return EMPTY;
    }

    /** Copies a name → bytes map (null values become empty arrays). */
    public static WireHeaders of(Map<String, byte[]> headers) {
        LinkedHashMap<String, byte[]> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> copy.put(Objects.requireNonNull(name, "header name"), copyOf(value)));
        return new WireHeaders(copy);
    }

    /** Copies Kafka headers; for repeated names the last one wins. */
    public static WireHeaders fromKafka(Headers headers) {
        LinkedHashMap<String, byte[]> copy = new LinkedHashMap<>();
        if (headers != null) {
            for (Header header : headers) {
                copy.remove(header.key()); // keep the position of the winning (last) value
                copy.put(header.key(), copyOf(header.value()));
            }
        }
        return new WireHeaders(copy);
    }

    /** A copy with {@code name} set to the UTF-8 bytes of {@code value} (replacing any previous value). */
    public WireHeaders with(String name, String value) {
        return with(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy with {@code name} set to {@code value} (replacing any previous value). */
    public WireHeaders with(String name, byte[] value) {
        LinkedHashMap<String, byte[]> copy = new LinkedHashMap<>(values);
        copy.remove(name);
        copy.put(Objects.requireNonNull(name, "header name"), copyOf(value));
        return new WireHeaders(copy);
    }

    /** A copy without {@code name}. */
    public WireHeaders without(String name) {
        if (!values.containsKey(name)) {
            return this;
        }
        LinkedHashMap<String, byte[]> copy = new LinkedHashMap<>(values);
        copy.remove(name);
        return new WireHeaders(copy);
    }

    public boolean contains(String name) {
        return values.containsKey(name);
    }

    /** The raw value of {@code name}, copied. */
    public Optional<byte[]> bytes(String name) {
        byte[] value = values.get(name);
        return value == null ? Optional.empty() : Optional.of(value.clone());
    }

    /** The value of {@code name} decoded as UTF-8 (malformed bytes become U+FFFD). */
    public Optional<String> string(String name) {
        byte[] value = values.get(name);
        return value == null ? Optional.empty() : Optional.of(new String(value, StandardCharsets.UTF_8));
    }

    /** Header names in order. */
    public java.util.Set<String> names() {
        return values.keySet();
    }

    public int size() {
        return values.size();
    }

    /** The headers as a new mutable Kafka {@link Headers} (for a {@code ProducerRecord}). */
    public Headers toKafka() {
        RecordHeaders headers = new RecordHeaders();
        values.forEach((name, value) -> headers.add(name, value.clone()));
        return headers;
    }

    /** The headers as a new name → bytes map (values copied). */
    public Map<String, byte[]> toMap() {
        LinkedHashMap<String, byte[]> copy = new LinkedHashMap<>();
        values.forEach((name, value) -> copy.put(name, value.clone()));
        return copy;
    }

    private static byte[] copyOf(byte[] value) {
        return value == null ? new byte[0] : value.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WireHeaders other) || other.values.size() != values.size()) {
            return false;
        }
        for (var entry : values.entrySet()) {
            if (!Arrays.equals(entry.getValue(), other.values.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = 0;
        for (var entry : values.entrySet()) {
            hash += entry.getKey().hashCode() ^ Arrays.hashCode(entry.getValue());
        }
        return hash;
    }

    /** Names with printable values, for logs; binary values are shown by length. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((name, value) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(name).append('=');
            if (value.length <= 64 && isPrintableAscii(value)) {
                sb.append(new String(value, StandardCharsets.US_ASCII));
            } else {
                sb.append('<').append(value.length).append(" bytes>");
            }
        });
        return sb.append('}').toString();
    }

    private static boolean isPrintableAscii(byte[] value) {
        for (byte b : value) {
            if (b < 0x20 || b > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
