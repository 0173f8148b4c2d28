package io.embedstream.connectors.wire;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One record of the audit topic ({@code topics.audit}, e.g. {@code embedstream.audit}): what became of input images
 * after decoding. Key {@code <kind>-<step>}, value one line of JSON,
 * {@code {"kind":"trained","step":17,"applied":true,"ids":["images-0-4711",...]}}, with {@code classes.names} also
 * {@code "labels":["digit-3",...]}; the format is described by
 * {@code wire/embedstream.audit.schema.json} (connectors' test resources). Together with the dead-letter topic it
 * accounts for every input id.
 *
 * @param kind    {@link #TRAINED}, {@link #DROPPED}, {@link #REFUSED} or {@link #HELD_OUT} (text, so that a reader
 *                accepts kinds added later)
 * @param step    the trainer's step for {@link #TRAINED} and {@link #REFUSED}; the batcher's batch count for
 *                {@link #DROPPED}; the promotion gate's count of held-out images, this one included, for
 *                {@link #HELD_OUT}
 * @param applied false when the step was skipped as not finite, and for dropped or refused images
 * @param ids     the ids of the fresh images concerned (replayed copies are not listed)
 * @param labels  with {@code classes.names}: the class name of each id, in the same order (a stream's integer label
 *                is its class's name, in decimal); empty otherwise, and then not written, so that records of
 *                integer-labelled streams are as before names existed
 */
public record AuditRecord(String kind, long step, boolean applied, List<String> ids, List<String> labels) {
    /** Fresh images consumed by a training step (applied or skipped as not finite). */
    public static final String TRAINED = "trained";
    /** Images the batcher dropped because its buffer for their class was full and nothing could be mixed in. */
    public static final String DROPPED = "dropped";
    /** Fresh images of a batch the trainer refused. */
    public static final String REFUSED = "refused";
    /** Images held out of training for the promotion gate's evaluation set (holdout.share). */
    public static final String HELD_OUT = "held-out";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORD = "audit record";

    public AuditRecord {
        Objects.requireNonNull(kind, "kind");
        ids = List.copyOf(ids);
        labels = List.copyOf(labels);
        if (!labels.isEmpty() && labels.size() != ids.size()) {
            throw new IllegalArgumentException("audit record: " + labels.size() + " labels for " + ids.size()
                    + " ids");
        }
    }

    /** A record without labels (a stream with integer labels). */
    public AuditRecord(String kind, long step, boolean applied, List<String> ids) {
        this(kind, step, applied, ids, List.of());
    }

    /** The Kafka key: {@code <kind>-<step>}. */
    public byte[] key() {
        return (kind + "-" + step).getBytes(StandardCharsets.UTF_8);
    }

    /** Compact UTF-8 JSON, one line, as on the topic. */
    public byte[] toJson() {
        ObjectNode json = JSON.createObjectNode();
        json.put("kind", kind);
        json.put("step", step);
        json.put("applied", applied);
        ArrayNode array = json.putArray("ids");
        ids.forEach(array::add);
        if (!labels.isEmpty()) {
            ArrayNode names = json.putArray("labels");
            labels.forEach(names::add);
        }
        try {
            return JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serializes", e);
        }
    }

    /**
     * Reads a record of the audit topic; keys it does not know are ignored.
     *
     * @throws WireFormatException naming the field, when a required field is missing or mistyped
     */
    public static AuditRecord fromJson(byte[] json) {
        JsonFields fields = JsonFields.parse(json, RECORD);
        String kind = fields.requiredText("kind");
        long step = fields.requiredLong("step");
        boolean applied = fields.requiredBoolean("applied");
        List<String> ids = fields.requiredTextList("ids");
        List<String> labels = fields.optionalTextList("labels");
        if (!labels.isEmpty() && labels.size() != ids.size()) {
            throw new WireFormatException(RECORD + " field 'labels' has " + labels.size() + " entries for "
                    + ids.size() + " ids");
        }
        return new AuditRecord(kind, step, applied, ids, labels);
    }
}
