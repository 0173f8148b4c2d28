package io.embedstream.pipeline.operators;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Which suspect held-out images a promotion drops (held out before a rejection, see {@code HeldOutSet}): the stretches,
 * in arrival order, whose images disagree with their labels far more than the trusted images do.
 *
 * <p>Each suspect image is a query searched among the trusted images under the promoted version, and hits when its
 * nearest trusted image has its label. The stretch that falls furthest below a reference halfway between the trusted
 * images' P@1 p and chance (the P@1 of images whose labels are noise), in total (the least sum of hit − reference
 * over a run of consecutive images: Kadane's algorithm, or a CUSUM with Page's reference value), is dropped when it
 * has at least {@value #MIN_IMAGES} images and its P@1 is more than the gate's margin and more than
 * {@value #STANDARD_ERRORS} standard errors below p; then the same is done again on the images before it and after
 * it, until no stretch is dropped (binary segmentation, as circular binary segmentation finds copy-number changes:
 * Olshen et al., Biostatistics 2004). Every other suspect image is admitted. Halfway, not p itself: clean images at
 * p would neither lengthen nor shorten the stretch on average, and its ends would wander into the clean images
 * around it by tens of images; halfway, each clean image pulls the sum back as much as a bad one pushes it, so the
 * stretch ends where the spell does, give or take a few images. What it finds is a stretch where more than about
 * half the labels are wrong; milder noise is admitted (judged as one block before, a long enough stretch of it could
 * be dropped).
 *
 * <p>Why stretches, and why found this way: the gate may go on rejecting long after a bad spell (the versions trained
 * on it need clean data to recover), and the clean images held out meanwhile vouched for the bad ones when the whole
 * stretch under suspicion was judged as one (PromotionGatePipelineTest on a loaded machine: 423 suspect images,
 * about 90 of them shuffled, at P@1 0.518 together against 0.480). Fixed blocks or windows blur the spell's ends (a
 * block that straddles an end is judged mostly on its clean part). Four standard errors and twenty images, because
 * the stretch is the worst of all the stretches there are: among 400 clean images at the trusted images' P@1, a
 * stretch of twenty or more at three standard errors low turns up by chance alone in about one case in nine
 * ({@code SuspectStretchesTest}: 23 of 200; none at four). By the formula below, a spell of shuffled labels at chance
 * (0.1 against 0.5 on 400 trusted images) is dropped from 27 images on; a shorter one weighs little in the set.
 *
 * <p>The standard error is that of a difference of two P@1 figures, the stretch's (n images) and the trusted images'
 * (m): sqrt(p'(1 − p')(1/n + 1/m)), with p' = (p·m + 1)/(m + 2) so that a promoted version that finds every trusted
 * image does not make one miss a certainty.
 */
final class SuspectStretches {
    /** How many standard errors below the trusted images' P@1 a stretch must be to be dropped. */
    static final double STANDARD_ERRORS = 4;
    /** The fewest images a dropped stretch has. */
    static final int MIN_IMAGES = 20;
    /** Dropped stretches listed in {@link #describe}; the rest are counted. */
    private static final int DESCRIBED = 6;

    /** Images {@code [from, to)} of the suspect ones in arrival order, with their hits, as dropped. */
    record Stretch(int from, int to, int hits, double standardErrors) {
        int images() {
            return to - from;
        }

        double precisionAt1() {
            return hits / (double) images();
        }
    }

    private final boolean[] dropped;
    private final List<Stretch> stretches;
    private final double trusted;
    private final int admittedHits;
    private final int admitted;

    private SuspectStretches(boolean[] dropped, List<Stretch> stretches, double trusted, int admittedHits,
                             int admitted) {
        this.dropped = dropped;
        this.stretches = stretches;
        this.trusted = trusted;
        this.admittedHits = admittedHits;
        this.admitted = admitted;
    }

    /**
     * Finds the stretches to drop among suspect images whose hits are {@code hits}, in arrival order, against the
     * promoted version's P@1 {@code trusted} on {@code trustedImages} trusted images, the P@1 of labels that are noise
     * ({@code chance}: 1 / classes) and the gate's {@code margin}.
     */
    static SuspectStretches find(boolean[] hits, double trusted, int trustedImages, double chance, double margin) {
        if (!(trusted >= 0 && trusted <= 1) || trustedImages < 1) {
            throw new IllegalArgumentException("the trusted images' P@1 must be in [0, 1] over at least one image, got "
                    + trusted + " over " + trustedImages);
        }
        if (!(chance >= 0 && chance <= 1)) {
            throw new IllegalArgumentException("chance must be in [0, 1], got " + chance);
        }
        double reference = (trusted + Math.min(chance, trusted)) / 2;
        double smoothed = (trusted * trustedImages + 1) / (trustedImages + 2);
        double variance = smoothed * (1 - smoothed);
        boolean[] dropped = new boolean[hits.length];
        List<Stretch> found = new ArrayList<>();
        Deque<int[]> ranges = new ArrayDeque<>();
        ranges.push(new int[] {0, hits.length});
        while (!ranges.isEmpty()) {
            int[] range = ranges.pop();
            Stretch worst = leastSum(hits, range[0], range[1], reference);
            if (worst == null) {
                continue;
            }
            double shortfall = trusted - worst.precisionAt1();
            double standardError = Math.sqrt(variance * (1.0 / worst.images() + 1.0 / trustedImages));
            double errors = shortfall / standardError;
            if (worst.images() >= MIN_IMAGES && shortfall > margin && errors > STANDARD_ERRORS) {
                found.add(new Stretch(worst.from(), worst.to(), worst.hits(), errors));
                for (int i = worst.from(); i < worst.to(); i++) {
                    dropped[i] = true;
                }
                ranges.push(new int[] {worst.to(), range[1]});
                ranges.push(new int[] {range[0], worst.from()});
            }
        }
        found.sort(Comparator.comparingInt(Stretch::from));
        int admitted = 0;
        int admittedHits = 0;
        for (int i = 0; i < hits.length; i++) {
            if (!dropped[i]) {
                admitted++;
                admittedHits += hits[i] ? 1 : 0;
            }
        }
        return new SuspectStretches(dropped, List.copyOf(found), trusted, admittedHits, admitted);
    }

    /** The run of {@code [from, to)} with the least sum of (hit − reference), or null when none is below zero. */
    private static Stretch leastSum(boolean[] hits, int from, int to, double reference) {
        double least = 0;
        int leastFrom = -1;
        int leastTo = -1;
        double run = 0;
        int runFrom = from;
        for (int i = from; i < to; i++) {
            if (run >= 0) { // a run starts at an image that counts against it
                run = 0;
                runFrom = i;
            }
            run += (hits[i] ? 1 : 0) - reference;
            if (run < least) {
                least = run;
                leastFrom = runFrom;
                leastTo = i + 1;
            }
        }
        if (leastFrom < 0) {
            return null;
        }
        int h = 0;
        for (int i = leastFrom; i < leastTo; i++) {
            h += hits[i] ? 1 : 0;
        }
        return new Stretch(leastFrom, leastTo, h, Double.NaN);
    }

    /** Whether the {@code i}-th suspect image in arrival order is admitted. */
    boolean admits(int i) {
        return !dropped[i];
    }

    /** The dropped stretches, in arrival order. */
    List<Stretch> stretches() {
        return stretches;
    }

    /**
     * "images 41-140 dropped at P@1 0.100 (8.2 standard errors below); the 340 others 0.512; against 0.500 of the
     * trusted ones".
     */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (int s = 0; s < Math.min(DESCRIBED, stretches.size()); s++) {
            Stretch st = stretches.get(s);
            out.append(s == 0 ? "images " : ", ").append(String.format(Locale.ROOT, "%d-%d dropped at P@1 %.3f (%.1f"
                    + " standard errors below)", st.from() + 1, st.to(), st.precisionAt1(), st.standardErrors()));
        }
        if (stretches.size() > DESCRIBED) {
            out.append(String.format(Locale.ROOT, ", ... (%d stretches dropped in all)", stretches.size()));
        }
        if (stretches.isEmpty()) {
            out.append("no stretch far enough below");
        }
        out.append(String.format(Locale.ROOT, "; the %d %s %s", admitted, stretches.isEmpty() ? "images" : "others",
                admitted == 0 ? "" : String.format(Locale.ROOT, "at %.3f", admittedHits / (double) admitted)));
        return out.toString().stripTrailing() + String.format(Locale.ROOT, "; against %.3f of the trusted ones",
                trusted);
    }
}
