package io.embedstream.connectors.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A decision of the promotion gate on the models topic: which version users should get. One wire class for the
 * three kinds (see {@link Kind}); {@code serving} is always the version subscribers serve once the record is read.
 *
 * <p>On the topic: key {@value #KEY} (so that every decision lands in one partition, in order), header
 * {@value ModelTopic#TYPE}={@value ModelTopic#TYPE_PROMOTION}, value compact JSON:
 * <pre>{@code
 * {"format":1,"kind":"reject","version":9,"serving":7,"reason":"P@1 0.412 is 0.118 below ...",
 *  "at":"2026-12-03T14:00:00Z","evaluation":{...}}
 * }</pre>
 * The job writes a candidate's decision in the same Kafka transaction as the candidate's chunks and manifest; {@code
 * embedstream rollback} writes rollbacks with a transactional producer of its own.
 *
 * @param kind       promote, reject or rollback
 * @param version    the version the decision is about: the candidate (promote, reject) or the rollback's target
 * @param serving    the version users should get after this decision (-1: none promoted yet)
 * @param reason     why, in a sentence (never null; may be empty for a plain promotion)
 * @param at         when the decision was made
 * @param evaluation the candidate's held-out figures (JSON-compatible values), empty when there are none
 */
public record PromotionRecord(Kind kind, long version, long serving, String reason, Instant at,
                              Map<String, Object> evaluation) {

    /** JSON layout version, written as {@code "format"}. */
    public static final int FORMAT = 1;
    /** The key of every decision record. */
    public static final String KEY = "promotion";
    /** Manifest extra naming the version's status; the job writes {@value #CANDIDATE}. */
    public static final String STATUS_EXTRA = "promotion";
    public static final String CANDIDATE = "candidate";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() { };

    /** What a decision does. */
    public enum Kind {
        /** The candidate {@code version} is promoted: subscribers swap to it. */
        PROMOTE,
        /** The candidate {@code version} is rejected; {@code serving} keeps serving. */
        REJECT,
        /** Subscribers swap back to {@code version}, an earlier promoted version. */
        ROLLBACK;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PromotionRecord {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        reason = reason == null ? "" : reason;
        evaluation = evaluation == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evaluation));
        if (version < 0) {
            throw new IllegalArgumentException("a decision names a version >= 0, got " + version);
        }
        if (kind != Kind.REJECT && serving != version) {
            throw new IllegalArgumentException(kind.wire() + " of version " + version + " must serve it, not "
                    + serving);
        }
    }

    public static PromotionRecord promote(long version, String reason, Instant at, Map<String, Object> evaluation) {
        return new PromotionRecord(Kind.PROMOTE, version, version, reason, at, evaluation);
    }

    public static PromotionRecord reject(long version, long serving, String reason, Instant at,
                                         Map<String, Object> evaluation) {
        return new PromotionRecord(Kind.REJECT, version, serving, reason, at, evaluation);
    }

    public static PromotionRecord rollback(long version, String reason, Instant at) {
        return new PromotionRecord(Kind.ROLLBACK, version, version, reason, at, Map.of());
    }

    /**
     * Whether a manifest is a candidate that waits for a decision. Manifests without the status extra were written
     * before the gate existed, when every published version went to users: they count as promoted when published.
     */
    public static boolean isCandidate(ModelManifest manifest) {
        return CANDIDATE.equals(manifest.extras().get(STATUS_EXTRA));
    }

    /** Whether a record of the models topic is a decision (by its type header). */
    public static boolean isDecision(org.apache.kafka.common.header.Headers headers) {
        org.apache.kafka.common.header.Header type = headers.lastHeader(ModelTopic.TYPE);
        return type != null && ModelTopic.TYPE_PROMOTION.equals(new String(type.value(), StandardCharsets.UTF_8));
    }

    /** The record of the models topic carrying this decision. */
    public ProducerRecord<byte[], byte[]> toProducerRecord(String topic) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ModelTopic.TYPE, ModelTopic.TYPE_PROMOTION.getBytes(StandardCharsets.UTF_8));
        headers.add(ModelTopic.CONTENT_TYPE, ModelTopic.JSON.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, KEY.getBytes(StandardCharsets.UTF_8), toBytes(), headers);
    }

    /** Compact UTF-8 JSON. */
    public byte[] toBytes() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("format", FORMAT);
        tree.put("kind", kind.wire());
        tree.put("version", version);
        tree.put("serving", serving);
        tree.put("reason", reason);
        tree.put("at", at.toString());
        tree.put("evaluation", evaluation);
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("decision on version " + version + " is not serializable: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a decision; unknown fields are ignored.
     *
     * @throws ModelFormatException naming the problem, when the bytes are not a decision this version reads
     */
    public static PromotionRecord fromBytes(byte[] json) {
        Map<String, Object> tree;
        try {
            tree = MAPPER.readValue(json, MAP);
        } catch (IOException e) {
            throw new ModelFormatException("promotion record is not valid JSON: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        if (!(tree.get("format") instanceof Number format) || format.intValue() > FORMAT) {
            throw new ModelFormatException("promotion record has format " + tree.get("format") + "; this version reads"
                    + " format " + FORMAT);
        }
        Kind kind;
        try {
            kind = Kind.valueOf(String.valueOf(tree.get("kind")).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("promotion record has unknown kind '" + tree.get("kind") + "'", e);
        }
        if (!(tree.get("version") instanceof Number version) || !(tree.get("serving") instanceof Number serving)) {
            throw new ModelFormatException("promotion record needs numbers 'version' and 'serving'");
        }
        Instant at;
        try {
            at = Instant.parse(String.valueOf(tree.get("at")));
        } catch (DateTimeParseException e) {
            throw new ModelFormatException("promotion record has no valid 'at' time: " + tree.get("at"), e);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> evaluation = tree.get("evaluation") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Object reason = tree.get("reason");
        try {
            return new PromotionRecord(kind, version.longValue(), serving.longValue(),
                    reason == null ? "" : reason.toString(), at, evaluation);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("promotion record is inconsistent: " + e.getMessage(), e);
        }
    }

    /** One line for people: {@code version 9 rejected (serving 7): P@1 ...}. */
    public String describe() {
        return switch (kind) {
            case PROMOTE -> "version " + version + " promoted" + (reason.isEmpty() ? "" : ": " + reason);
            case REJECT -> "version " + version + " rejected (serving " + (serving < 0 ? "none" : serving) + ")"
                    + (reason.isEmpty() ? "" : ": " + reason);
            case ROLLBACK -> "rolled back to version " + version + (reason.isEmpty() ? "" : ": " + reason);
        };
    }
}
