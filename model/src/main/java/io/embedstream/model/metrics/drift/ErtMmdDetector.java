package io.embedstream.model.metrics.drift;

import io.embedstream.model.metrics.kernel.RbfKernel;
import io.embedstream.model.random.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Sequential MMD drift detector whose false alarms are calibrated by expected run time (ERT): when nothing
 * drifts, the first alarm comes on average after ERT tested windows, and the chance of an alarm at any step
 * given none so far is 1/ERT (memoryless). This is the design of Alibi Detect's {@code MMDDriftOnline}
 * (Cobb, Van Looveren and Klaise 2021, "Sequential multivariate change detection with calibrated and
 * memoryless false detection rates"), adapted to a stream whose time step is a whole window of embeddings.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Time step = one stream window.</b> Alibi's time step is one instance and its test window the last
 *       W instances. Here each window (typically 1,024 embeddings) contributes b = rowsPerStep rows drawn
 *       at random, and the test window is the b-row samples of the last W windows. A single window already
 *       holds hundreds of embeddings, so W stays small (default 2): an abrupt change fills half the test
 *       window after one step, while W x b rows give power against small shifts.</li>
 *   <li><b>Statistic.</b> Unbiased MMD^2 between a fixed comparison part R of the reference (n - 2Wb rows)
 *       and the test window Y, with an RBF kernel (median-heuristic bandwidth on the reference). R's own
 *       kernel mean is computed once; each step only adds the new block's kernel sums against R and against
 *       the other W-1 blocks, about b x |R| x d multiply-adds: the update is incremental, as in Alibi.</li>
 *   <li><b>Initial window.</b> As in Alibi, the test window starts filled with W blocks of held-out
 *       reference rows (not in R), redrawn until it does not itself alarm, so that the window has its full
 *       size from the first step and early steps mix held-out and new rows.</li>
 *   <li><b>Thresholds by simulation.</b> Each of {@code bootstraps} simulated drift-free streams splits the
 *       reference at random into a comparison part and 2W held-out blocks, and the held-out blocks play the
 *       initial window followed by W new windows. For t = 0..W the threshold b_t is the (1 - 1/ERT)
 *       quantile of the step-t statistic over the simulated streams that have not alarmed before t; then
 *       those above it are dropped (conditioning on no earlier detection is what makes the false-alarm
 *       rate memoryless, since overlapping test windows give correlated statistics). Steps t &gt; W use b_W,
 *       the threshold of the first fully new window: from there on the window's distribution given no
 *       earlier detection no longer depends on t. Alibi keeps W thresholds and the last one mixes one
 *       initial row into the window; here W + 1, so the stationary threshold is that of a fully new window.
 *       The simulation reuses the reference's n x n kernel matrix, so a simulated step costs index lookups,
 *       not kernel evaluations.</li>
 *   <li><b>Class stratification (optional).</b> With a labelled reference, each step's rows are drawn with
 *       fixed per-class quotas equal to the reference's class proportions, in the simulation as in the
 *       stream. The statistic's distribution then does not depend on the stream's class mix, so a pure label
 *       shift (new class proportions, same class-conditional embeddings) leaves the false-alarm rate at 1/ERT
 *       while a change inside a class still moves it. A class short in a window is drawn with replacement
 *       (pairs of the same source row are left out of the within-window term, which keeps it unbiased); a
 *       window that lacks a reference class entirely is not tested (label shift will say so). Rows of
 *       classes unknown to the reference are ignored here. Rows drawn twice still add variance that the
 *       simulation (which never runs short) did not see, so a shift strong enough to leave classes short of
 *       their quota shortens the run length below ERT, the more so the shorter they fall. With 1,024-row
 *       windows and 32-row steps over ten equally frequent classes the quotas are 3 or 4 rows, so a class must
 *       fall below 0.3 to 0.4% of the window for this to happen.</li>
 * </ul>
 *
 * <p><b>Limits of the calibration.</b> The thresholds are calibrated over random splits of the reference,
 * and a running detector compares with one of them: the split's own sampling error moves the whole
 * statistic, so the realised ERT of one detector scatters around the target, more so as the test window
 * grows relative to the comparison part (see {@link ErtMmdConfig}). After W steps the threshold is
 * constant, as in Alibi; the simulation conditions on the first W steps only.
 *
 * <p><b>Alarms.</b> {@link ErtMmdResult#drift()} is the per-step decision; the first one is latched in
 * {@link ErtMmdResult#firstDetection()} until {@link #reset()}. ERT is the mean time to that first alarm,
 * so no further hysteresis should be stacked on it (three consecutive alarms would change the rate).
 *
 * <p>Not thread-safe: one instance per keyed stream. {@link #state()} exports everything it keeps;
 * {@link #restore(ErtMmdConfig, ErtMmdState)} continues exactly, without re-running the simulation.
 */
public final class ErtMmdDetector {
    private static final int MAX_INITIAL_DRAWS = 1000;

    private final ErtMmdConfig config;
    private final long fingerprint;
    private final int d;
    private final int b;
    private final int w;
    private final int nY;
    private final int nR;
    private final RbfKernel kernel;
    private final Strata strata;
    private final double referenceTerm;
    private final double[] thresholds;
    private final int[] heldOut;
    private final float[] comparison;
    private final float[] comparisonSq;

    // The running part. Blocks are kept oldest first.
    private long step;
    private long firstDetection = -1;
    private Rng rng;
    private final float[][] blockRows;
    private final float[][] blockSq;
    private final double[] crossSums;
    private final double[][] pairSums;
    private final int[] duplicatePairs;

    private ErtMmdDetector(ErtMmdConfig config, RbfKernel kernel, double referenceTerm, double[] thresholds,
                           int[] heldOut, long rngState) {
        this.config = config;
        this.fingerprint = fingerprint(config);
        ReferenceSample ref = config.reference();
        this.d = ref.d();
        this.b = config.rowsPerStep();
        this.w = config.windowSteps();
        this.nY = w * b;
        this.nR = config.comparisonRows();
        this.kernel = kernel;
        this.strata = config.stratifyByClass() ? Strata.of(ref.rawLabels(), b) : null;
        this.referenceTerm = referenceTerm;
        this.thresholds = thresholds;
        this.heldOut = heldOut;
        boolean[] held = new boolean[ref.n()];
        for (int i : heldOut) {
            held[i] = true;
        }
        this.comparison = new float[nR * d];
        float[] raw = ref.rawData();
        int r = 0;
        for (int i = 0; i < ref.n(); i++) {
            if (!held[i]) {
                scaleRow(raw, i, kernel.scale(), comparison, r++, d);
            }
        }
        this.comparisonSq = RbfKernel.squaredNorms(comparison, nR, d);
        this.rng = new Rng(rngState);
        this.blockRows = new float[w][];
        this.blockSq = new float[w][];
        this.crossSums = new double[w];
        this.pairSums = new double[w][w];
        this.duplicatePairs = new int[w];
    }

    /**
     * Calibrates a detector by simulation; this is the expensive part (the reference's kernel matrix, then
     * {@code bootstraps} simulated streams of W + 1 steps).
     *
     * @throws IllegalArgumentException if every reference row is the same point
     */
    public static ErtMmdDetector calibrate(ErtMmdConfig config) {
        Objects.requireNonNull(config, "config");
        ReferenceSample ref = config.reference();
        int n = ref.n();
        int d = ref.d();
        double scale = RbfKernel.scaleOf(ref.rawData());
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            scaleRow(ref.rawData(), i, scale, x, i, d);
        }
        float[] sq = RbfKernel.squaredNorms(x, n, d);
        float[] matrix = RbfKernel.squaredDistances(x, sq, n, d);
        double sigma2 = config.bandwidth().isPresent()
                ? config.bandwidth().getAsDouble() * scale * scale
                : RbfKernel.medianDistance(matrix, n);
        if (!(sigma2 > 0)) {
            throw new IllegalArgumentException("every reference row is the same point; an MMD test against it "
                    + "cannot calibrate (give a reference with some spread)");
        }
        RbfKernel kernel = new RbfKernel(scale, sigma2);
        kernel.toKernelInPlace(matrix, n);
        Simulation sim = new Simulation(config, matrix, n);
        Rng rng = new Rng(config.seed());
        int steps = config.windowSteps() + 1;
        int boots = config.bootstraps();
        double[] stats = new double[boots * steps];
        for (int i = 0; i < boots; i++) {
            sim.simulate(sim.drawHeldOut(rng), stats, i * steps);
        }
        double[] thresholds = thresholds(stats, boots, steps, config.falseAlarmRate());
        // The running detector's split: redrawn until its initial window does not alarm, as in Alibi.
        double[] first = new double[steps];
        int[] heldOut = null;
        for (int attempt = 0; attempt < MAX_INITIAL_DRAWS; attempt++) {
            heldOut = sim.drawHeldOut(rng);
            sim.simulate(heldOut, first, 0);
            if (first[0] <= thresholds[0]) {
                break;
            }
        }
        double referenceTerm = sim.referenceTerm;
        ErtMmdDetector detector = new ErtMmdDetector(config, kernel, referenceTerm, thresholds, heldOut, rng.state());
        detector.loadInitialWindow();
        return detector;
    }

    /**
     * Rebuilds a detector from {@link #state()} without re-running the simulation; it continues exactly as
     * the detector that exported the state would have.
     *
     * @throws IllegalArgumentException if the state was not produced for this configuration and reference, or
     *                                  is inconsistent
     */
    public static ErtMmdDetector restore(ErtMmdConfig config, ErtMmdState state) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(state, "state");
        long expected = fingerprint(config);
        if (state.configFingerprint() != expected) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "this state was calibrated for another configuration or reference (fingerprint %016x, this "
                            + "configuration's is %016x); calibrate a new detector instead", state.configFingerprint(), expected));
        }
        int w = config.windowSteps();
        int b = config.rowsPerStep();
        int d = config.reference().d();
        int n = config.reference().n();
        check(state.rawThresholds().length == w + 1, "thresholds", state.rawThresholds().length, w + 1);
        check(state.rawHeldOut().length == 2 * w * b, "heldOut", state.rawHeldOut().length, 2 * w * b);
        check(state.rawWindowRows().length == w * b * d, "windowRows", state.rawWindowRows().length, w * b * d);
        check(state.rawCrossSums().length == w, "crossSums", state.rawCrossSums().length, w);
        check(state.rawPairSums().length == w * w, "pairSums", state.rawPairSums().length, w * w);
        check(state.rawDuplicatePairs().length == w, "duplicatePairs", state.rawDuplicatePairs().length, w);
        boolean[] seen = new boolean[n];
        for (int i : state.rawHeldOut()) {
            if (i < 0 || i >= n || seen[i]) {
                throw new IllegalArgumentException("corrupt state: held-out reference row " + i
                        + " is out of range or repeated");
            }
            seen[i] = true;
        }
        if (state.step() < 0 || state.firstDetection() < -1 || state.firstDetection() > state.step()) {
            throw new IllegalArgumentException("corrupt state: step " + state.step() + ", first detection "
                    + state.firstDetection());
        }
        ErtMmdDetector detector = new ErtMmdDetector(config, new RbfKernel(state.scale(), state.workingSigma2()),
                state.referenceTerm(), state.rawThresholds().clone(), state.rawHeldOut().clone(), state.rngState());
        detector.step = state.step();
        detector.firstDetection = state.firstDetection();
        float[] rows = state.rawWindowRows();
        for (int j = 0; j < w; j++) {
            detector.blockRows[j] = Arrays.copyOfRange(rows, j * b * d, (j + 1) * b * d);
            detector.blockSq[j] = RbfKernel.squaredNorms(detector.blockRows[j], b, d);
            detector.crossSums[j] = state.rawCrossSums()[j];
            detector.duplicatePairs[j] = state.rawDuplicatePairs()[j];
            for (int l = 0; l < w; l++) {
                detector.pairSums[j][l] = state.rawPairSums()[j * w + l];
            }
        }
        return detector;
    }

    private static void check(boolean ok, String what, int got, int expected) {
        if (!ok) {
            throw new IllegalArgumentException("corrupt state: " + what + " has " + got + " entries, this configuration needs "
                    + expected);
        }
    }

    public ErtMmdConfig config() {
        return config;
    }

    /** Thresholds for steps 0..W; step t &gt; W uses the last. */
    public double[] thresholds() {
        return thresholds.clone();
    }

    /** The threshold that applies at step t. */
    public double threshold(long t) {
        return thresholds[(int) Math.min(t, w)];
    }

    /** sigma^2 of the kernel in the units of the embeddings. */
    public double bandwidth() {
        return kernel.bandwidth();
    }

    /** Windows tested since calibration or reset. */
    public long step() {
        return step;
    }

    /** The first step whose statistic exceeded its threshold since calibration or reset. */
    public OptionalLong firstDetection() {
        return firstDetection < 0 ? OptionalLong.empty() : OptionalLong.of(firstDetection);
    }

    /** Re-arms: step 0, no detection, the initial test window. The subsampler's generator runs on. */
    public void reset() {
        step = 0;
        firstDetection = -1;
        loadInitialWindow();
    }

    /** Tests one window given as rows; {@code labels} may be null unless the detector stratifies by class. */
    public ErtMmdResult update(float[][] rows, int[] labels) {
        return update(WindowRows.of(rows, labels, d));
    }

    /** Tests one unlabelled window (not for a detector that stratifies by class). */
    public ErtMmdResult update(float[][] rows) {
        return update(rows, null);
    }

    private ErtMmdResult update(WindowRows rows) {
        if (strata != null && rows.labels == null) {
            throw new IllegalArgumentException("this detector stratifies by class; the window needs labels");
        }
        List<String> notes = new ArrayList<>(2);
        int[] chosen = strata == null ? sampleUniform(rows, notes) : sampleStratified(rows, notes);
        if (chosen == null) {
            return notTested(String.join("; ", notes));
        }
        float[] rowsNew = new float[b * d];
        for (int i = 0; i < b; i++) {
            rows.copyScaled(chosen[i], kernel.scale(), rowsNew, i);
        }
        float[] sqNew = RbfKernel.squaredNorms(rowsNew, b, d);
        int dups = duplicateOrderedPairs(chosen);
        double crossNew = kernel.crossSum(rowsNew, sqNew, b, comparison, comparisonSq, nR, d);
        double withinNew = kernel.withinSum(rowsNew, sqNew, b, d, chosen);
        double[] withRetained = new double[w];
        for (int j = 1; j < w; j++) {
            withRetained[j] = kernel.crossSum(rowsNew, sqNew, b, blockRows[j], blockSq[j], b, d);
        }
        // Slide: drop the oldest block, append the new one.
        for (int j = 0; j + 1 < w; j++) {
            blockRows[j] = blockRows[j + 1];
            blockSq[j] = blockSq[j + 1];
            crossSums[j] = crossSums[j + 1];
            duplicatePairs[j] = duplicatePairs[j + 1];
            for (int l = 0; l + 1 < w; l++) {
                pairSums[j][l] = pairSums[j + 1][l + 1];
            }
        }
        int last = w - 1;
        blockRows[last] = rowsNew;
        blockSq[last] = sqNew;
        crossSums[last] = crossNew;
        duplicatePairs[last] = dups;
        for (int l = 0; l < last; l++) {
            pairSums[last][l] = withRetained[l + 1];
            pairSums[l][last] = withRetained[l + 1];
        }
        pairSums[last][last] = withinNew;
        double statistic = statistic();
        step++;
        double threshold = threshold(step);
        boolean drift = statistic > threshold;
        if (drift && firstDetection < 0) {
            firstDetection = step;
        }
        return new ErtMmdResult(step, OptionalDouble.of(statistic), threshold, drift, firstDetection(),
                String.join("; ", notes));
    }

    /**
     * The result for a window that is not tested: no statistic, the threshold the next tested window will face, and
     * the clock and latched detection as they are (an untested window does not move them).
     */
    ErtMmdResult notTested(String note) {
        return new ErtMmdResult(step, OptionalDouble.empty(), threshold(step + 1), false, firstDetection(), note);
    }

    /** The current test window's statistic. */
    private double statistic() {
        double within = 0;
        double cross = 0;
        long pairs = (long) nY * (nY - 1);
        for (int j = 0; j < w; j++) {
            cross += crossSums[j];
            pairs -= duplicatePairs[j];
            for (int l = 0; l < w; l++) {
                within += pairSums[j][l];
            }
        }
        return referenceTerm + within / pairs - 2 * cross / ((double) nR * nY);
    }

    /** Everything the detector keeps, calibration included. */
    public ErtMmdState state() {
        float[] rows = new float[w * b * d];
        double[] pairs = new double[w * w];
        for (int j = 0; j < w; j++) {
            System.arraycopy(blockRows[j], 0, rows, j * b * d, b * d);
            for (int l = 0; l < w; l++) {
                pairs[j * w + l] = pairSums[j][l];
            }
        }
        return new ErtMmdState(fingerprint, kernel.scale(), kernel.workingSigma2(), referenceTerm, thresholds,
                heldOut, step, firstDetection, rng.state(), rows, crossSums, pairs, duplicatePairs);
    }

    /** The first W held-out blocks, with their kernel sums computed exactly as a stream window's would be. */
    private void loadInitialWindow() {
        float[] raw = config.reference().rawData();
        for (int j = 0; j < w; j++) {
            float[] rows = new float[b * d];
            int[] source = new int[b];
            for (int i = 0; i < b; i++) {
                source[i] = heldOut[j * b + i];
                scaleRow(raw, source[i], kernel.scale(), rows, i, d);
            }
            blockRows[j] = rows;
            blockSq[j] = RbfKernel.squaredNorms(rows, b, d);
            crossSums[j] = kernel.crossSum(rows, blockSq[j], b, comparison, comparisonSq, nR, d);
            pairSums[j][j] = kernel.withinSum(rows, blockSq[j], b, d, source);
            duplicatePairs[j] = 0;
            for (int l = 0; l < j; l++) {
                double s = kernel.crossSum(rows, blockSq[j], b, blockRows[l], blockSq[l], b, d);
                pairSums[j][l] = s;
                pairSums[l][j] = s;
            }
        }
    }

    private int[] sampleUniform(WindowRows rows, List<String> notes) {
        int[] finite = new int[rows.n];
        int count = 0;
        for (int i = 0; i < rows.n; i++) {
            if (rows.finite(i)) {
                finite[count++] = i;
            }
        }
        if (count < rows.n) {
            notes.add((rows.n - count) + " rows with non-finite values ignored");
        }
        if (count < 2) {
            notes.add("not tested: " + count + " finite rows, at least 2 needed");
            return null;
        }
        int[] chosen = new int[b];
        draw(finite, count, b, chosen, 0, notes, "window");
        return chosen;
    }

    private int[] sampleStratified(WindowRows rows, List<String> notes) {
        int classes = strata.classes.length;
        int[][] byClass = new int[classes][];
        int[] counts = new int[classes];
        int[] perClass = new int[classes];
        int nonFinite = 0;
        int unknown = 0;
        boolean[] finite = new boolean[rows.n];
        for (int i = 0; i < rows.n; i++) {
            finite[i] = rows.finite(i);
            if (!finite[i]) {
                nonFinite++;
                continue;
            }
            int k = strata.indexOf(rows.labels[i]);
            if (k < 0) {
                unknown++;
            } else {
                perClass[k]++;
            }
        }
        for (int k = 0; k < classes; k++) {
            byClass[k] = new int[perClass[k]];
        }
        for (int i = 0; i < rows.n; i++) {
            if (finite[i]) {
                int k = strata.indexOf(rows.labels[i]);
                if (k >= 0) {
                    byClass[k][counts[k]++] = i;
                }
            }
        }
        if (nonFinite > 0) {
            notes.add(nonFinite + " rows with non-finite values ignored");
        }
        if (unknown > 0) {
            notes.add(unknown + " rows of classes absent from the reference ignored");
        }
        List<Integer> missing = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            if (strata.quotas[k] > 0 && counts[k] == 0) {
                missing.add(strata.classes[k]);
            }
        }
        if (!missing.isEmpty()) {
            notes.add("not tested: reference class(es) " + missing + " absent from the window, so its class mix "
                    + "cannot be matched to the reference's");
            return null;
        }
        int[] chosen = new int[b];
        int at = 0;
        for (int k = 0; k < classes; k++) {
            int q = strata.quotas[k];
            if (q > 0) {
                draw(byClass[k], counts[k], q, chosen, at, notes, "class " + strata.classes[k]);
                at += q;
            }
        }
        return chosen;
    }

    /**
     * Draws {@code q} of the first {@code count} entries of pool into out[at..]: without replacement when
     * the pool is large enough, otherwise the whole pool plus a draw with replacement for the rest.
     */
    private void draw(int[] pool, int count, int q, int[] out, int at, List<String> notes, String what) {
        if (count >= q) {
            for (int i = 0; i < q; i++) {
                int j = i + rng.nextInt(count - i);
                int t = pool[i];
                pool[i] = pool[j];
                pool[j] = t;
                out[at + i] = pool[i];
            }
            return;
        }
        System.arraycopy(pool, 0, out, at, count);
        for (int i = count; i < q; i++) {
            out[at + i] = pool[rng.nextInt(count)];
        }
        notes.add(what + ": " + count + " rows for a quota of " + q + ", " + (q - count) + " drawn twice");
    }

    private static int duplicateOrderedPairs(int[] chosen) {
        int[] sorted = chosen.clone();
        Arrays.sort(sorted);
        int pairs = 0;
        int run = 1;
        for (int i = 1; i <= sorted.length; i++) {
            if (i < sorted.length && sorted[i] == sorted[i - 1]) {
                run++;
            } else {
                pairs += run * (run - 1);
                run = 1;
            }
        }
        return pairs;
    }

    private static void scaleRow(float[] raw, int row, double scale, float[] dst, int dstRow, int d) {
        int s = row * d;
        int t = dstRow * d;
        for (int j = 0; j < d; j++) {
            dst[t + j] = (float) (raw[s + j] * scale);
        }
    }

    /**
     * Thresholds for steps 0..steps-1: at each step the (1 - alpha) quantile of the statistics of the
     * simulated streams that have not alarmed yet; those above it are then dropped.
     */
    static double[] thresholds(double[] stats, int boots, int steps, double alpha) {
        boolean[] alive = new boolean[boots];
        Arrays.fill(alive, true);
        double[] out = new double[steps];
        double[] values = new double[boots];
        for (int t = 0; t < steps; t++) {
            int m = 0;
            for (int i = 0; i < boots; i++) {
                if (alive[i]) {
                    values[m++] = stats[i * steps + t];
                }
            }
            Arrays.sort(values, 0, m);
            double pos = (1 - alpha) * (m - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(lo + 1, m - 1);
            double thr = values[lo] + (pos - lo) * (values[hi] - values[lo]);
            out[t] = thr;
            for (int i = 0; i < boots; i++) {
                if (alive[i] && stats[i * steps + t] > thr) {
                    alive[i] = false;
                }
            }
        }
        return out;
    }

    static long fingerprint(ErtMmdConfig c) {
        long h = c.reference().fingerprint();
        h = Rng.mix(h ^ c.expectedRunTime());
        h = Rng.mix(h ^ ((long) c.windowSteps() << 32 | c.rowsPerStep()));
        h = Rng.mix(h ^ c.bootstraps());
        h = Rng.mix(h ^ (c.bandwidth().isPresent() ? Double.doubleToLongBits(c.bandwidth().getAsDouble()) : -1L));
        h = Rng.mix(h ^ c.seed());
        return Rng.mix(h ^ (c.stratifyByClass() ? 1 : 0));
    }

    /**
     * The simulated drift-free streams: a random split of the reference into a comparison part and 2W
     * held-out blocks, the blocks playing the initial window and then W new windows. Works on the precomputed
     * reference kernel matrix.
     */
    private static final class Simulation {
        private final float[] k;
        private final int n;
        private final int w;
        private final int b;
        private final int nR;
        private final int nY;
        private final double[] rowSum;
        private final double total;
        private final Strata strata;
        private final int[] perm;
        private final int[][] classRows;
        double referenceTerm;

        Simulation(ErtMmdConfig config, float[] kernelMatrix, int n) {
            this.k = kernelMatrix;
            this.n = n;
            this.w = config.windowSteps();
            this.b = config.rowsPerStep();
            this.nY = w * b;
            this.nR = config.comparisonRows();
            this.rowSum = new double[n];
            double t = 0;
            for (int i = 0; i < n; i++) {
                double s = 0;
                int off = i * n;
                for (int j = 0; j < n; j++) {
                    s += kernelMatrix[off + j];
                }
                rowSum[i] = s;
                t += s;
            }
            this.total = t;
            this.perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            if (config.stratifyByClass()) {
                int[] labels = config.reference().rawLabels();
                strata = Strata.of(labels, b);
                classRows = new int[strata.classes.length][];
                int[] fill = new int[strata.classes.length];
                for (int c = 0; c < classRows.length; c++) {
                    classRows[c] = new int[strata.counts[c]];
                }
                for (int i = 0; i < n; i++) {
                    int c = strata.indexOf(labels[i]);
                    classRows[c][fill[c]++] = i;
                }
            } else {
                strata = null;
                classRows = null;
            }
        }

        /** 2W blocks of b reference rows, block j at [j*b, (j+1)*b). */
        int[] drawHeldOut(Rng rng) {
            int m = 2 * w;
            int[] e = new int[m * b];
            if (strata == null) {
                for (int i = 0; i < m * b; i++) {
                    int j = i + rng.nextInt(n - i);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                    e[i] = perm[i];
                }
                return e;
            }
            int offset = 0;
            for (int c = 0; c < classRows.length; c++) {
                int q = strata.quotas[c];
                int[] pool = classRows[c];
                for (int i = 0; i < m * q; i++) {
                    int j = i + rng.nextInt(pool.length - i);
                    int t = pool[i];
                    pool[i] = pool[j];
                    pool[j] = t;
                    e[(i / q) * b + offset + i % q] = pool[i];
                }
                offset += q;
            }
            return e;
        }

        /** Statistics of steps 0..W of one simulated stream into out[at..at+W]. */
        void simulate(int[] e, double[] out, int at) {
            int m = 2 * w;
            double[] blockRow = new double[m];
            double[][] s = new double[m][m];
            for (int idx = 0; idx < m * b; idx++) {
                int je = idx / b;
                int re = e[idx] * n;
                blockRow[je] += rowSum[e[idx]];
                for (int l = je; l < m; l++) {
                    int from = l == je ? idx + 1 : l * b;
                    int to = (l + 1) * b;
                    double sum = 0;
                    for (int f = from; f < to; f++) {
                        sum += k[re + e[f]];
                    }
                    if (l == je) {
                        s[je][je] += 2 * sum;
                    } else {
                        s[je][l] += sum;
                    }
                }
            }
            double sumAll = 0;
            double rowAll = 0;
            for (int j = 0; j < m; j++) {
                s[j][j] += b; // the diagonal k(x, x) = 1
                rowAll += blockRow[j];
                for (int l = j + 1; l < m; l++) {
                    s[l][j] = s[j][l];
                }
            }
            for (int j = 0; j < m; j++) {
                for (int l = 0; l < m; l++) {
                    sumAll += s[j][l];
                }
            }
            double sumRR = total - 2 * rowAll + sumAll;
            referenceTerm = (sumRR - nR) / ((double) nR * (nR - 1));
            double[] blockOut = new double[m];
            for (int j = 0; j < m; j++) {
                double r = 0;
                for (int l = 0; l < m; l++) {
                    r += s[j][l];
                }
                blockOut[j] = blockRow[j] - r; // sum over the comparison part of the kernel with block j's rows
            }
            for (int t = 0; t <= w; t++) {
                double within = -nY;
                double cross = 0;
                for (int j = t; j < t + w; j++) {
                    cross += blockOut[j];
                    for (int l = t; l < t + w; l++) {
                        within += s[j][l];
                    }
                }
                out[at + t] = referenceTerm + within / ((double) nY * (nY - 1)) - 2 * cross / ((double) nR * nY);
            }
        }
    }
}
