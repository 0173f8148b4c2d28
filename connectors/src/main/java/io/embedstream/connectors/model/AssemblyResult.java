package io.embedstream.connectors.model;

import java.util.Objects;

/** What {@link ModelAssembler#accept} made of one record. */
public sealed interface AssemblyResult
        permits AssemblyResult.Pending, AssemblyResult.Completed, AssemblyResult.Rejected, AssemblyResult.Decision {

    /**
     * A chunk was stored; the version is not complete yet.
     *
     * @param version  the chunk's version
     * @param received distinct chunks of the version received so far
     * @param expected chunk count of the version
     */
    record Pending(long version, int received, int expected) implements AssemblyResult {
    }

    /** The manifest arrived with all chunks, and size and SHA-256 match. */
    record Completed(PublishedModel model) implements AssemblyResult {
        public Completed {
            Objects.requireNonNull(model, "model");
        }
    }

    /**
     * The record, or the whole version it belongs to, cannot be used. Whatever was buffered for the version is
     * dropped.
     *
     * @param key    the record key as text (the version, when it parses), for logs
     * @param reason why, e.g. {@code sha256 mismatch for version 3: ...}
     */
    record Rejected(String key, String reason) implements AssemblyResult {
        public Rejected {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A decision of the promotion gate ({@link PromotionRecord}): no part of a version, read as it is. */
    record Decision(PromotionRecord decision) implements AssemblyResult {
        public Decision {
            Objects.requireNonNull(decision, "decision");
        }
    }
}
