package io.embedstream.pipeline.operators;

import io.embedstream.model.compat.EmbeddingMap;
import io.embedstream.model.eval.holdout.HeldOutEvaluator;
import io.embedstream.model.eval.holdout.HeldOutFigures;
import io.embedstream.model.eval.holdout.HeldOutSet;
import io.embedstream.model.metrics.CollapseMetrics;
import io.embedstream.model.metrics.DetectorConfig;
import io.embedstream.model.metrics.EmbeddingWindow;
import io.embedstream.model.metrics.WindowMetrics;
import io.embedstream.pipeline.config.PromotionConfig;
import io.embedstream.pipeline.types.GateDecision;
import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The promotion gate's rules, apart from Flink: judges a candidate version on the held-out set against the serving
 * version (evaluated on the same set at the same time) and keeps which versions were promoted.
 *
 * <p>Rules, in order (the first that fails is the reason): the held-out set has at least {@code gate.min-held-out}
 * images and can judge (two classes with a query); every figure of the candidate is finite; with {@code
 * gate.require-no-collapse}, the candidate's held-out embeddings have an effective rank of at least the collapse
 * alarm's fraction of the embedding size; its P@1 is at most {@code gate.max-p1-drop} below the best P@1 of the
 * promoted versions the gate keeps (the serving one and up to {@value #KEPT} - 1 before it), all evaluated on the
 * same set now. The best, not only the serving one: against the serving version alone, a slow decline passes in
 * steps each smaller than the margin (and the set itself drifts with the stream). The first candidate that passes the
 * rules that apply without a serving version is promoted (bootstrap). With {@code gate.auto-rollback}, a rejected
 * candidate also has the serving version compared with the earlier kept ones: when the best of them now beats it by
 * more than {@code gate.max-p1-drop}, the decision rolls back to it.
 *
 * <p>Which images judge: the trusted ones of the {@link HeldOutSet}. Before the first promotion every held-out image
 * is trusted at once (there is no version to trust them by); after it, images go to quarantine ({@link #receive}),
 * a rejection marks what is in quarantine as suspect, and a promotion admits the images held out since the last
 * decision, and the suspect ones too, but for the stretches of them that the promoted version finds far less
 * consistent with their labels than the trusted images ({@link #release}), which are dropped. So a bad stretch never
 * judges the versions trained on it: during shuffled labels the trusted images stay those the serving version was
 * promoted on, and the shuffled ones never join them. A lasting change (a new camera) is let
 * through by {@code gate.rebase-after}: after that many rejections in a row, a candidate rejected on P@1 alone is
 * promoted when, on the quarantined images, it beats every kept promoted version by more than the margin and its
 * P@1 is well above chance ({@link #learnable}); every quarantined image then joins the trusted ones. Labels that are
 * noise are predictable by no version, so they never pass that test.
 *
 * <p>Not thread-safe: one operator's state.
 */
final class PromotionGate {
    /** The compatibility map's ridge, relative to the held-out rows' energy per dimension. */
    static final double COMPAT_RIDGE = 1e-4;

    /** Promoted versions kept (parameters) for rollback and compatibility maps. */
    static final int KEPT = 3;

    private final PromotionConfig config;
    private final int dimension;
    private final HeldOutEvaluator evaluator = HeldOutEvaluator.withDefaults();
    private final WindowMetrics windowMetrics = WindowMetrics.withDefaults();
    private final double collapseFraction = DetectorConfig.defaults().effectiveRankFraction();

    PromotionGate(PromotionConfig config, int dimension) {
        this.config = config;
        this.dimension = dimension;
    }

    /** What the gate keeps across checkpoints (Flink POJO): promoted versions, newest last, with parameters. */
    public static class State {
        public byte[] heldOut;
        public List<Long> promotedVersions = new ArrayList<>();
        public List<byte[]> promotedParameters = new ArrayList<>();
        /**
         * Class names of held-out images (with {@code classes.names}), which the batcher's registry has not indexed
         * when they are held out: with {@code classes.names} every class is numbered by its name (an integer label n
         * is the name "n"), name in slot k being label k of the held-out set; bounded, see {@link HeldOutLabels}.
         */
        public List<String> labelNames = new ArrayList<>();
        /** Held-out images received so far (the audit's count for them), whether the set kept them or not. */
        public long heldOutImages;

        public State() {}

        long serving() {
            return promotedVersions.isEmpty() ? -1 : promotedVersions.get(promotedVersions.size() - 1);
        }
    }

    /** Embeds images with the given parameters (one row per image, in order). */
    interface Embedder {
        float[][] embed(byte[] parameters, List<LabeledImage> images);
    }

    /**
     * Keeps a held-out image: trusted while no version is promoted (the first candidate is judged on them by the rules
     * that need no serving version), in quarantine after.
     */
    static void receive(State state, HeldOutSet set, LabeledImage image, float quality) {
        if (state.serving() < 0) {
            set.add(image, quality);
        } else {
            set.quarantine(image, quality);
        }
    }

    /** Judges the candidate ({@code version}, {@code parameters}) and updates {@code state} and {@code set}. */
    GateDecision judge(State state, HeldOutSet set, long version, byte[] parameters, Embedder embedder) {
        GateDecision d = new GateDecision();
        long serving = state.serving();
        if (!config.gated()) {
            d.kind = "promote";
            d.reason = "no held-out share (holdout.share=0): every version is promoted";
            promote(state, version, parameters, d);
            return d;
        }
        d.heldOutImages = set.size();
        d.heldOutClasses = set.classes();
        d.quarantinedImages = set.quarantined();
        d.suspectImages = set.suspect();
        List<LabeledImage> images = set.entries().stream().map(HeldOutSet.Entry::image).toList();
        Judged candidate = images.isEmpty() ? null : evaluate(set, images, parameters, embedder);
        // The promoted versions the gate keeps, the serving one last, judged on the same set now.
        List<Judged> kept = new ArrayList<>();
        if (!images.isEmpty()) {
            for (byte[] keptParameters : state.promotedParameters) {
                kept.add(evaluate(set, images, keptParameters, embedder));
            }
        }
        Judged current = kept.isEmpty() ? null : kept.get(kept.size() - 1);
        int reference = best(kept);
        if (candidate != null && candidate.figures.isPresent()) {
            HeldOutFigures f = candidate.figures.get();
            d.precisionAt1 = f.precisionAt1();
            d.mapAtR = f.mapAtR().orElse(Double.NaN);
            int bands = f.byQuality().size();
            d.bandFrom = new double[bands];
            d.bandTo = new double[bands];
            d.bandQueries = new int[bands];
            d.bandPrecisionAt1 = new double[bands];
            for (int b = 0; b < bands; b++) {
                HeldOutFigures.Band band = f.byQuality().get(b);
                d.bandFrom[b] = band.from();
                d.bandTo[b] = band.to();
                d.bandQueries[b] = band.queries();
                d.bandPrecisionAt1[b] = band.precisionAt1();
            }
        }
        if (candidate != null) {
            d.effectiveRank = candidate.effectiveRank;
        }
        if (current != null && current.figures.isPresent()) {
            d.servingPrecisionAt1 = current.figures.get().precisionAt1();
        }
        String reason = rejection(set, candidate);
        String p1Reason = reason != null || reference < 0 ? null
                : p1Rejection(set, candidate, kept.get(reference), state.promotedVersions.get(reference));
        if (reason == null && p1Reason == null) {
            d.kind = "promote";
            d.reason = serving < 0 ? String.format(Locale.ROOT, "first version judged on %d held-out images: P@1 %.3f",
                    set.size(), d.precisionAt1)
                    : String.format(Locale.ROOT, "P@1 %.3f against %.3f of promoted version %d (serving %d: %.3f) on"
                    + " %d held-out images", d.precisionAt1, p1(kept.get(reference)),
                    state.promotedVersions.get(reference), serving, d.servingPrecisionAt1, set.size());
            if (current != null) {
                // The map needs images, not labels: the quarantined ones count too (about as many again; the first
                // maps were fitted on a few dozen images in 128 dimensions).
                List<LabeledImage> quarantined = set.quarantinedEntries().stream().map(HeldOutSet.Entry::image).toList();
                byte[] servingParameters = state.promotedParameters.get(state.promotedParameters.size() - 1);
                fitCompatibility(d, serving, quarantined.isEmpty() ? current.rows
                                : concat(current.rows, embedder.embed(servingParameters, quarantined)),
                        quarantined.isEmpty() ? candidate.rows
                                : concat(candidate.rows, embedder.embed(parameters, quarantined)));
            }
            release(set, d, candidate, parameters, embedder);
            promote(state, version, parameters, d);
            return d;
        }
        if (reason == null && rebase(state, set, d, version, parameters, p1Reason, embedder)) {
            return d;
        }
        d.kind = "reject";
        d.reason = (reason != null ? reason : p1Reason) + quarantineNote(set);
        d.serving = serving;
        set.markRejected();
        // Auto-rollback: an earlier promoted version now beats the serving one by more than the gate's margin.
        int earlier = best(kept.subList(0, Math.max(0, kept.size() - 1)));
        if (config.autoRollback() && current != null && current.figures.isPresent() && current.figures.get().finite()
                && earlier >= 0 && p1(kept.get(earlier)) > p1(current) + config.maxP1Drop()) {
            long target = state.promotedVersions.get(earlier);
            d.rollbackTo = target;
            d.rollbackReason = String.format(Locale.ROOT, "serving version %d's held-out P@1 fell to %.3f, below"
                    + " earlier promoted version %d's %.3f by more than gate.max-p1-drop %.3f", serving, p1(current),
                    target, p1(kept.get(earlier)), config.maxP1Drop());
            while (state.promotedVersions.size() > earlier + 1) {
                state.promotedVersions.remove(state.promotedVersions.size() - 1);
                state.promotedParameters.remove(state.promotedParameters.size() - 1);
            }
            d.serving = target;
        }
        return d;
    }

    private static double p1(Judged judged) {
        return judged.figures.get().precisionAt1();
    }

    /** The index of the judged version with the highest finite P@1, or -1. */
    private static int best(List<Judged> judged) {
        int best = -1;
        for (int i = 0; i < judged.size(); i++) {
            Judged j = judged.get(i);
            if (j.figures.isPresent() && j.figures.get().finite() && (best < 0 || p1(j) > p1(judged.get(best)))) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Re-bases on the quarantine when the stream changed for good: after {@code gate.rebase-after} rejections in a row
     * (this one included), a candidate rejected on P@1 alone that the quarantined images say is better than every kept
     * promoted version, by more than the margin and well above chance, is promoted, and every quarantined image joins
     * the trusted ones. Returns whether it did.
     */
    private boolean rebase(State state, HeldOutSet set, GateDecision d, long version, byte[] parameters,
                           String p1Reason, Embedder embedder) {
        int rejections = set.rejectionsSinceAdmission() + 1;
        if (config.rebaseAfter() == 0 || rejections < config.rebaseAfter() || set.quarantined() == 0
                || set.quarantined() < config.minHeldOut()) {
            return false;
        }
        HeldOutSet recent = set.quarantineAsSet();
        List<LabeledImage> images = recent.entries().stream().map(HeldOutSet.Entry::image).toList();
        Judged candidate = evaluate(recent, images, parameters, embedder);
        if (candidate.figures.isEmpty() || !candidate.figures.get().finite()) {
            return false;
        }
        List<Judged> kept = new ArrayList<>();
        for (byte[] keptParameters : state.promotedParameters) {
            kept.add(evaluate(recent, images, keptParameters, embedder));
        }
        int best = best(kept);
        double candidateP1 = p1(candidate);
        double floor = learnable(candidate.figures.get().classes());
        if (best < 0 || !(candidateP1 > p1(kept.get(best)) + config.maxP1Drop()) || !(candidateP1 >= floor)) {
            return false;
        }
        long serving = state.serving();
        Judged current = kept.get(kept.size() - 1);
        d.kind = "promote";
        d.reason = String.format(Locale.ROOT, "lasting change: %d rejections in a row on the trusted held-out images"
                + " (this one: %s), but on the %d held-out images in quarantine P@1 %.3f against %.3f of promoted"
                + " version %d (chance-level floor %.3f; gate.rebase-after %d): the quarantined images become trusted",
                rejections, p1Reason, recent.size(), candidateP1, p1(kept.get(best)),
                state.promotedVersions.get(best), floor, config.rebaseAfter());
        fitCompatibility(d, serving, current.rows, candidate.rows);
        admit(d, set.admitAll(), "");
        promote(state, version, parameters, d);
        return true;
    }

    /**
     * The P@1 on the quarantined images that a re-basing candidate must reach, with {@code classes} classes that
     * have a query: twice chance, or halfway from chance to 1 when that is lower (two or three classes). Labels that
     * are noise keep every version near chance, so they never re-base the gate.
     */
    static double learnable(int classes) {
        double chance = 1.0 / Math.max(1, classes);
        return Math.min(2 * chance, (1 + chance) / 2);
    }

    /**
     * Releases the quarantine on a promotion. Images held out since the last decision are admitted. Those held out
     * before a rejection (suspect) are admitted unless they lie in a stretch, in arrival order, whose images disagree
     * with their labels far more than the trusted ones do under the promoted version ({@link SuspectStretches}): a
     * rejection alone is weak evidence (P@1 varies from version to version), so images are dropped only when they
     * themselves look wrong. Shuffled labels pull every version's P@1 down, clean images that merely waited do not.
     */
    private void release(HeldOutSet set, GateDecision d, Judged promoted, byte[] parameters, Embedder embedder) {
        List<HeldOutSet.Entry> suspect = set.suspectInArrivalOrder();
        if (suspect.isEmpty()) {
            admit(d, set.admit(), "");
            return;
        }
        Optional<boolean[]> hits = evaluator.hitsAt1(suspect, set.entries(),
                images -> embedder.embed(parameters, images));
        if (hits.isEmpty()) {
            // Nothing to judge them by: no trusted image to search among, or embeddings that are not finite.
            admit(d, set.admit(), " (they could not be judged: no trusted images, or embeddings that are not finite)");
            return;
        }
        SuspectStretches judged = SuspectStretches.find(hits.get(), p1(promoted), set.size(),
                1.0 / Math.max(1, set.classes()), config.maxP1Drop());
        Map<Long, Integer> order = new HashMap<>();
        for (int i = 0; i < suspect.size(); i++) {
            order.put(suspect.get(i).sequence(), i);
        }
        admit(d, set.admit(e -> judged.admits(order.get(e.sequence()))), " (each searched among the trusted ones,"
                + " in arrival order: " + judged.describe() + ")");
    }

    /** Says in the reason what the release of the quarantine did. */
    private static void admit(GateDecision d, HeldOutSet.Admission admission, String consistency) {
        int suspect = d.suspectImages; // counted before the release
        d.admittedImages = admission.admitted();
        d.droppedImages = admission.dropped();
        if (admission.dropped() > 0) {
            d.reason += String.format(Locale.ROOT, "; quarantine released: %d held-out images admitted, %d held out"
                    + " before a rejection dropped%s", admission.admitted(), admission.dropped(), consistency);
        } else if (suspect > 0 && !consistency.isEmpty()) {
            d.reason += String.format(Locale.ROOT, "; quarantine released: %d held-out images admitted, %d of them"
                    + " held out before a rejection but consistent%s", admission.admitted(), suspect, consistency);
        } else if (admission.admitted() > 0) {
            d.reason += String.format(Locale.ROOT, "; quarantine released: %d held-out images admitted",
                    admission.admitted());
        }
    }

    /** "; held out: 480 trusted, 96 quarantined since the last promotion", or nothing with an empty quarantine. */
    private static String quarantineNote(HeldOutSet set) {
        if (set.quarantined() == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "; held out: %d trusted, %d quarantined since the last promotion",
                set.size(), set.quarantined());
    }

    /** Why the candidate is rejected by the rules that need no serving version, or null. */
    private String rejection(HeldOutSet set, Judged candidate) {
        if (set.size() < config.minHeldOut()) {
            return "held-out set has " + set.size() + " images; the gate judges from gate.min-held-out = "
                    + config.minHeldOut();
        }
        if (candidate == null || candidate.figures.isEmpty()) {
            return "held-out set cannot judge yet (" + set.classes() + " classes, fewer than 2 with a query)";
        }
        HeldOutFigures f = candidate.figures.get();
        if (!f.finite()) {
            return "figures not finite (" + f.nonFiniteRows() + " held-out images embedded as NaN or infinity)";
        }
        if (config.requireNoCollapse() && !(candidate.effectiveRank >= collapseFraction * dimension)) {
            return String.format(Locale.ROOT, "collapse: held-out effective rank %.2f below %.2f (%.2f x %d)",
                    candidate.effectiveRank, collapseFraction * dimension, collapseFraction, dimension);
        }
        return null;
    }

    /** Why the candidate is rejected against the best kept promoted version, or null. */
    private String p1Rejection(HeldOutSet set, Judged candidate, Judged reference, long referenceVersion) {
        HeldOutFigures f = candidate.figures.get();
        double referenceP1 = p1(reference);
        double drop = referenceP1 - f.precisionAt1();
        if (drop > config.maxP1Drop()) {
            return String.format(Locale.ROOT, "P@1 %.3f is %.3f below promoted version %d's %.3f on %d held-out"
                    + " images (gate.max-p1-drop %.3f)", f.precisionAt1(), drop, referenceVersion, referenceP1,
                    set.size(), config.maxP1Drop());
        }
        return null;
    }

    private void promote(State state, long version, byte[] parameters, GateDecision d) {
        d.serving = version;
        state.promotedVersions.add(version);
        state.promotedParameters.add(parameters);
        while (state.promotedVersions.size() > KEPT) {
            state.promotedVersions.remove(0);
            state.promotedParameters.remove(0);
        }
    }

    /**
     * Least squares from the serving version's held-out embeddings (trusted and quarantined images) to the
     * candidate's, rows L2-normalised, ridge {@value #COMPAT_RIDGE}. Measured in `experiment compat` against orthogonal Procrustes with scale (the map before)
     * and a ridge chosen on a validation fifth: chained over 1,000 fit images it recovers the most of the
     * re-embedding gap of both (results.md, "Index compatibility between versions").
     */
    private void fitCompatibility(GateDecision d, long from, float[][] source, float[][] target) {
        int n = source.length;
        if (n < 2) {
            return;
        }
        int dx = source[0].length;
        int dy = target[0].length;
        double[] x = EmbeddingMap.unitRows(source, dx);
        double[] y = EmbeddingMap.unitRows(target, dy);
        try {
            EmbeddingMap map = EmbeddingMap.leastSquares(x, dx, y, dy, n, COMPAT_RIDGE);
            d.compatFrom = from;
            d.compatMethod = "least-squares ridge 1e-4, normalised rows";
            d.compatRows = map.from();
            d.compatCols = map.to();
            d.compatMatrix = map.matrix();
        } catch (RuntimeException e) {
            d.compatMethod = "none: " + e.getMessage();
        }
    }

    private static float[][] concat(float[][] a, float[][] b) {
        float[][] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private record Judged(Optional<HeldOutFigures> figures, double effectiveRank, float[][] rows) {}

    private Judged evaluate(HeldOutSet set, List<LabeledImage> images, byte[] parameters, Embedder embedder) {
        float[][] rows = embedder.embed(parameters, images);
        Map<LabeledImage, float[]> byImage = new IdentityHashMap<>();
        for (int i = 0; i < images.size(); i++) {
            byImage.put(images.get(i), rows[i]);
        }
        Function<List<LabeledImage>, float[][]> lookup = list -> list.stream().map(byImage::get)
                .toArray(float[][]::new);
        Optional<HeldOutFigures> figures = evaluator.evaluate(set, lookup);
        return new Judged(figures, effectiveRank(rows), rows);
    }

    private double effectiveRank(float[][] rows) {
        if (rows.length < 2) {
            return Double.NaN;
        }
        int d = rows[0].length;
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        return windowMetrics.compute(new EmbeddingWindow(flat, rows.length, d, null, null)).collapse()
                .map(CollapseMetrics::effectiveRank).orElse(Double.NaN);
    }
}
