package io.embedstream.pipeline.config;

import io.embedstream.model.eval.holdout.HoldoutSplit;
import java.io.Serializable;

/**
 * The held-out share and the promotion gate's rules (keys {@code holdout.*} and {@code gate.*}).
 *
 * <p>Defaults: 2% of labeled images held out (salt 0), at most 50 a class and 1000 in all; a candidate is promoted
 * when the held-out set has at least 40 images, every figure is finite, its P@1 is at most 0.005 below the serving
 * version's on the same set, and its held-out embeddings are not collapsed. {@link #off()} holds nothing out and
 * promotes every version (the behaviour before the gate). Images held out after the first promotion are quarantined
 * until the next promotion; those held out before a rejection are then dropped where a stretch of them disagrees with
 * its labels far more than the trusted images do (see {@code PromotionGate}); after 10 rejections in a row the gate
 * may re-base on them ({@code rebaseAfter}).
 *
 * @param share            share of labeled images kept out of training, chosen by a hash of the id; 0 = none (and
 *                         then every version is promoted: there is nothing to judge it on)
 * @param salt             picks which ids are held out (same share, another set)
 * @param perClass         held-out images kept per class (the most recent)
 * @param capacity         held-out images kept in all
 * @param minHeldOut       a candidate is not promoted while the held-out set has fewer images than this
 * @param maxP1Drop        largest drop of held-out P@1 below the serving version's that is still promoted
 * @param requireNoCollapse reject a candidate whose held-out embeddings are collapsed (effective rank below the
 *                         collapse alarm's fraction of the embedding size)
 * @param autoRollback     when a candidate is judged, re-evaluate the serving version and the promoted version before
 *                         it; roll back to the earlier one when it beats the serving one by more than {@code
 *                         maxP1Drop} on the held-out set
 * @param rebaseAfter      after this many rejections in a row (0 = never), a candidate rejected on P@1 alone is
 *                         promoted when, on the quarantined images, it beats every kept promoted version by more than
 *                         {@code maxP1Drop} and its P@1 is well above chance: the stream changed for good (a new
 *                         camera), and the quarantined images join the trusted ones
 */
public record PromotionConfig(double share, long salt, int perClass, int capacity, int minHeldOut, double maxP1Drop,
                              boolean requireNoCollapse, boolean autoRollback, int rebaseAfter)
        implements Serializable {
    /** Rejections in a row after which the gate may re-base on the quarantined images, by default. */
    public static final int DEFAULT_REBASE_AFTER = 10;

    /** With the default {@code rebaseAfter} (code written before the quarantine). */
    public PromotionConfig(double share, long salt, int perClass, int capacity, int minHeldOut, double maxP1Drop,
                           boolean requireNoCollapse, boolean autoRollback) {
        this(share, salt, perClass, capacity, minHeldOut, maxP1Drop, requireNoCollapse, autoRollback,
                DEFAULT_REBASE_AFTER);
    }

    public PromotionConfig {
        HoldoutSplit.of(share, salt); // the share's own check and sentence
        if (share > 0) {
            if (perClass < 2) {
                throw new IllegalArgumentException("holdout.per-class must be at least 2 (a query and one image of its"
                        + " class to find), got " + perClass);
            }
            if (capacity < perClass) {
                throw new IllegalArgumentException("holdout.capacity (" + capacity + ") must hold at least one full"
                        + " class (holdout.per-class = " + perClass + ")");
            }
        }
        if (minHeldOut < 0) {
            throw new IllegalArgumentException("gate.min-held-out must be >= 0, got " + minHeldOut);
        }
        if (!(maxP1Drop >= 0 && maxP1Drop <= 1)) {
            throw new IllegalArgumentException("gate.max-p1-drop must be a share in [0, 1] (0.005 = half a point),"
                    + " got " + maxP1Drop);
        }
        if (rebaseAfter < 0) {
            throw new IllegalArgumentException("gate.rebase-after must be >= 0 (0 = never re-base on the quarantined"
                    + " images), got " + rebaseAfter);
        }
    }

    public static PromotionConfig defaults() {
        return new PromotionConfig(HoldoutSplit.DEFAULT_SHARE, 0, 50, 1000, 40, 0.005, true, true);
    }

    /** Nothing held out, every version promoted. */
    public static PromotionConfig off() {
        return new PromotionConfig(0, 0, 50, 1000, 40, 0.005, true, false);
    }

    /** Whether images are held out and candidates judged. */
    public boolean gated() {
        return share > 0;
    }

    public HoldoutSplit split() {
        return HoldoutSplit.of(share, salt);
    }

    public PromotionConfig withShare(double value) {
        return new PromotionConfig(value, salt, perClass, capacity, minHeldOut, maxP1Drop, requireNoCollapse,
                autoRollback, rebaseAfter);
    }

    public PromotionConfig withMaxP1Drop(double value) {
        return new PromotionConfig(share, salt, perClass, capacity, minHeldOut, value, requireNoCollapse, autoRollback,
                rebaseAfter);
    }

    public PromotionConfig withHeldOut(int perClassValue, int capacityValue, int minHeldOutValue) {
        return new PromotionConfig(share, salt, perClassValue, capacityValue, minHeldOutValue, maxP1Drop,
                requireNoCollapse, autoRollback, rebaseAfter);
    }

    public PromotionConfig withRebaseAfter(int value) {
        return new PromotionConfig(share, salt, perClass, capacity, minHeldOut, maxP1Drop, requireNoCollapse,
                autoRollback, value);
    }
}
