package io.embedstream.model.metrics.drift;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Everything an {@link ErtMmdDetector} keeps, for checkpointing: the calibration (so that a restore never
 * re-runs the simulation) and the running part (step, latched first detection, generator state and the
 * current test window). {@link ErtMmdDetector#restore(ErtMmdConfig, ErtMmdState)} continues exactly where
 * {@link ErtMmdDetector#state()} left off. About W x b x d x 4 bytes plus 2 x W x b x 4 for the held-out
 * indices (65 KiB at W = 2, b = 64, d = 128). Arrays are copied in and out.
 *
 * @param configFingerprint digest of the configuration and reference it was calibrated for
 * @param scale             working units = embedding x scale
 * @param workingSigma2     kernel sigma^2 in working units
 * @param referenceTerm     the comparison part's own kernel mean (the MMD^2 term that never changes)
 * @param thresholds        W + 1 thresholds: step t uses thresholds[min(t, W)]
 * @param heldOut           the 2 x W x b reference rows held out of the comparison part, in block order;
 *                          the first W blocks are the initial test window
 * @param step              windows tested since calibration or reset
 * @param firstDetection    first step with drift, or -1
 * @param rngState          the SplitMix64 state of the subsampler
 * @param windowRows        the test window's rows in working units, oldest block first, W x b x d
 * @param crossSums         per block, the sum of k(x, y) over comparison rows x and the block's rows y
 * @param pairSums          W x W row-major: kernel sums between blocks; the diagonal holds each block's sum
 *                          over its ordered pairs of distinct rows, rows drawn twice excluded
 * @param duplicatePairs    per block, ordered pairs of the same source row left out of its diagonal sum
 */
public record ErtMmdState(long configFingerprint, double scale, double workingSigma2, double referenceTerm,
                          double[] thresholds, int[] heldOut, long step, long firstDetection, long rngState,
                          float[] windowRows, double[] crossSums, double[] pairSums, int[] duplicatePairs) {

    private static final int MAGIC = 0x4552544D; // "ERTM"
    private static final byte FORMAT = 1;

    public ErtMmdState {
        thresholds = Objects.requireNonNull(thresholds, "thresholds").clone();
        heldOut = Objects.requireNonNull(heldOut, "heldOut").clone();
        windowRows = Objects.requireNonNull(windowRows, "windowRows").clone();
        crossSums = Objects.requireNonNull(crossSums, "crossSums").clone();
        pairSums = Objects.requireNonNull(pairSums, "pairSums").clone();
        duplicatePairs = Objects.requireNonNull(duplicatePairs, "duplicatePairs").clone();
    }

    @Override
    public double[] thresholds() {
        return thresholds.clone();
    }

    @Override
    public int[] heldOut() {
        return heldOut.clone();
    }

    @Override
    public float[] windowRows() {
        return windowRows.clone();
    }

    @Override
    public double[] crossSums() {
        return crossSums.clone();
    }

    @Override
    public double[] pairSums() {
        return pairSums.clone();
    }

    @Override
    public int[] duplicatePairs() {
        return duplicatePairs.clone();
    }

    // Zero-copy reads for the detector.
    double[] rawThresholds() {
        return thresholds;
    }

    int[] rawHeldOut() {
        return heldOut;
    }

    float[] rawWindowRows() {
        return windowRows;
    }

    double[] rawCrossSums() {
        return crossSums;
    }

    double[] rawPairSums() {
        return pairSums;
    }

    int[] rawDuplicatePairs() {
        return duplicatePairs;
    }

    /** A versioned binary encoding, e.g. for a Flink {@code ValueState<byte[]>}. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 4 * (windowRows.length + heldOut.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeByte(FORMAT);
            out.writeLong(configFingerprint);
            out.writeDouble(scale);
            out.writeDouble(workingSigma2);
            out.writeDouble(referenceTerm);
            writeDoubles(out, thresholds);
            writeInts(out, heldOut);
            out.writeLong(step);
            out.writeLong(firstDetection);
            out.writeLong(rngState);
            out.writeInt(windowRows.length);
            for (float v : windowRows) {
                out.writeFloat(v);
            }
            writeDoubles(out, crossSums);
            writeDoubles(out, pairSums);
            writeInts(out, duplicatePairs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen with an in-memory stream", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are not an ERT detector state of a known format
     */
    public static ErtMmdState fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not an ERT MMD detector state (bad magic)");
            }
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unsupported ERT MMD detector state format " + format);
            }
            long fingerprint = in.readLong();
            double scale = in.readDouble();
            double sigma2 = in.readDouble();
            double referenceTerm = in.readDouble();
            double[] thresholds = readDoubles(in);
            int[] heldOut = readInts(in);
            long step = in.readLong();
            long first = in.readLong();
            long rng = in.readLong();
            float[] rows = new float[checkedLength(in.readInt(), in)];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = in.readFloat();
            }
            double[] cross = readDoubles(in);
            double[] pairs = readDoubles(in);
            int[] dups = readInts(in);
            if (in.available() != 0) {
                throw new IllegalArgumentException("ERT MMD detector state has " + in.available() + " trailing bytes");
            }
            return new ErtMmdState(fingerprint, scale, sigma2, referenceTerm, thresholds, heldOut, step, first, rng,
                    rows, cross, pairs, dups);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or corrupt ERT MMD detector state", e);
        }
    }

    private static int checkedLength(int length, DataInputStream in) throws IOException {
        if (length < 0 || length > in.available()) {
            throw new IllegalArgumentException("corrupt ERT MMD detector state: array length " + length);
        }
        return length;
    }

    private static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
        out.writeInt(a.length);
        for (double v : a) {
            out.writeDouble(v);
        }
    }

    private static void writeInts(DataOutputStream out, int[] a) throws IOException {
        out.writeInt(a.length);
        for (int v : a) {
            out.writeInt(v);
        }
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        double[] a = new double[checkedLength(in.readInt(), in)];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readDouble();
        }
        return a;
    }

    private static int[] readInts(DataInputStream in) throws IOException {
        int[] a = new int[checkedLength(in.readInt(), in)];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readInt();
        }
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ErtMmdState s && configFingerprint == s.configFingerprint
                && Double.compare(scale, s.scale) == 0 && Double.compare(workingSigma2, s.workingSigma2) == 0
                && Double.compare(referenceTerm, s.referenceTerm) == 0 && Arrays.equals(thresholds, s.thresholds)
                && Arrays.equals(heldOut, s.heldOut) && step == s.step && firstDetection == s.firstDetection
                && rngState == s.rngState && Arrays.equals(windowRows, s.windowRows)
                && Arrays.equals(crossSums, s.crossSums) && Arrays.equals(pairSums, s.pairSums)
                && Arrays.equals(duplicatePairs, s.duplicatePairs);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(configFingerprint);
        h = 31 * h + Long.hashCode(step);
        h = 31 * h + Long.hashCode(rngState);
        h = 31 * h + Arrays.hashCode(thresholds);
        return 31 * h + Arrays.hashCode(windowRows);
    }

    @Override
    public String toString() {
        return "ErtMmdState[step=" + step + ", firstDetection=" + firstDetection + ", windowRows="
                + windowRows.length + ", thresholds=" + Arrays.toString(thresholds) + "]";
    }
}
