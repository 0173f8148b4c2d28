package io.embedstream.serving;

import io.embedstream.connectors.model.PromotionRecord;
import io.embedstream.connectors.model.PublishedModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which complete versions the slot may serve: the subscriber's promise. Without {@code serveCandidates} a
 * candidate (a manifest with {@code "promotion": "candidate"}) is served only once a promotion record names it, and
 * the served version goes back only on a rollback record, to an earlier promoted version that this subscriber still
 * holds. Versions published before the gate existed (no status in the manifest) count as promoted when published.
 *
 * <p>Holds the most recent promoted versions ({@code keepPromoted}) for rollbacks, and the most recent candidates
 * that await a decision. Used by the follower's thread only.
 */
final class PromotionTracker<M> {
    private static final Logger LOG = LoggerFactory.getLogger(PromotionTracker.class);
    private static final int PENDING = 4;

    private final ModelSlot<M> slot;
    private final boolean serveCandidates;
    private final int keepPromoted;
    private final LinkedHashMap<Long, PublishedModel> promoted = new LinkedHashMap<>();
    private final Set<Long> promotedVersions = new LinkedHashSet<>();
    private final LinkedHashMap<Long, PublishedModel> pending = new LinkedHashMap<>();
    private final List<PromotionRecord> decisions = new ArrayList<>();
    private final CompatibilityChain compatibility = new CompatibilityChain();
    /** While replaying the topic at start-up: the version to serve once the replay ends (-1: none). */
    private long replayTarget = -1;
    private boolean replaying;
    /** A promoted version whose records have not arrived yet (decisions and versions may be in other partitions). */
    private long awaited = -1;

    PromotionTracker(ModelSlot<M> slot, boolean serveCandidates, int keepPromoted) {
        this.slot = slot;
        this.serveCandidates = serveCandidates;
        this.keepPromoted = keepPromoted;
    }

    /** Start-up: record what the topic says without serving; {@link #endReplay} serves the outcome. */
    void beginReplay() {
        replaying = true;
        replayTarget = -1;
    }

    /** Serves the version the replayed decisions name; true if it is now served. */
    boolean endReplay() {
        replaying = false;
        if (replayTarget < 0) {
            return false;
        }
        PublishedModel model = promoted.get(replayTarget);
        if (model == null) {
            awaited = replayTarget;
            return false;
        }
        return slot.offer(model);
    }

    /** A complete, verified version; true if it is now served. */
    boolean onModel(PublishedModel model) {
        long version = model.version();
        if (!PromotionRecord.isCandidate(model.manifest())) {
            remember(model);
            return serve(model);
        }
        if (promotedVersions.contains(version)) {
            remember(model);
            return version == awaited && serve(model);
        }
        pending.put(version, model);
        trim(pending, PENDING);
        return serveCandidates && !replaying && slot.offer(model);
    }

    /** A decision of the models topic; true if it changed the served version. */
    boolean onDecision(PromotionRecord decision) {
        synchronized (decisions) {
            decisions.add(decision);
            if (decisions.size() > 32) {
                decisions.remove(0);
            }
        }
        long version = decision.version();
        switch (decision.kind()) {
            case PROMOTE -> {
                promotedVersions.add(version);
                PublishedModel model = pending.remove(version);
                if (model == null) {
                    model = promoted.get(version);
                }
                if (model == null) {
                    awaited = version; // its records come later (another partition)
                    if (replaying) {
                        replayTarget = version;
                    }
                    return false;
                }
                remember(model);
                return serve(model);
            }
            case REJECT -> {
                pending.remove(version);
                LOG.info("{}: {}", slot, decision.describe());
                return false;
            }
            case ROLLBACK -> {
                if (replaying) {
                    replayTarget = version;
                    return false;
                }
                PublishedModel model = promoted.get(version);
                if (model == null) {
                    slot.refuse(Long.toString(version), "rollback to version " + version + ": "
                            + (promotedVersions.contains(version) ? "it is no longer held (the subscriber keeps the "
                            + keepPromoted + " most recent promoted versions)" : "not a version promoted on this topic"));
                    return false;
                }
                awaited = -1;
                return slot.rollBack(model, decision.reason());
            }
            default -> throw new IllegalStateException(decision.kind().toString());
        }
    }

    private boolean serve(PublishedModel model) {
        if (replaying) {
            replayTarget = model.version();
            return false;
        }
        if (model.version() == awaited) {
            awaited = -1;
        }
        return slot.offer(model);
    }

    private void remember(PublishedModel model) {
        compatibility.record(model.manifest());
        promotedVersions.add(model.version());
        promoted.remove(model.version());
        promoted.put(model.version(), model);
        trim(promoted, keepPromoted);
    }

    private static void trim(LinkedHashMap<Long, PublishedModel> map, int limit) {
        Iterator<Map.Entry<Long, PublishedModel>> it = map.entrySet().iterator();
        while (map.size() > limit && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    CompatibilityChain compatibility() {
        return compatibility;
    }

    /** The decisions read so far, oldest first (at most 32). */
    List<PromotionRecord> recentDecisions() {
        synchronized (decisions) {
            return List.copyOf(decisions);
        }
    }

}
