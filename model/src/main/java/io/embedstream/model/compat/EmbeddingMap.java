package io.embedstream.model.compat;

import java.util.Arrays;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * A linear map {@code y = x M}, or an affine one {@code y = x M + b}, from one embedding space (dimension
 * {@link #from()}) to another ({@link #to()}), fitted on the same images embedded by both versions: row i of the
 * source and row i of the target are one image. Immutable.
 *
 * <p>Two fits, because they trade differently: {@link #procrustes} keeps the old space's geometry (a rotation,
 * times one scale), so cosine neighbourhoods of the carried index stay what they were and only their placement
 * changes; {@link #leastSquares} is any linear map, which fits the pairs better but may stretch the index. Maps
 * compose along a chain of versions with {@link #then}.
 */
public final class EmbeddingMap {
    private final int from;
    private final int to;
    private final double[] m;
    private final double[] b;

    private EmbeddingMap(int from, int to, double[] m) {
        this(from, to, m, new double[to]);
    }

    private EmbeddingMap(int from, int to, double[] m, double[] b) {
        this.from = from;
        this.to = to;
        this.m = m;
        this.b = b;
    }

    /**
     * Rows as one row-major array, each scaled to unit length (a zero row stays zero): what the maps are fitted on,
     * since retrieval compares embeddings by cosine.
     *
     * @param d the row length (rows may be empty)
     */
    public static double[] unitRows(float[][] rows, int d) {
        double[] out = new double[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            double norm = 0;
            for (float v : rows[i]) {
                norm += (double) v * v;
            }
            double inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
            for (int j = 0; j < d; j++) {
                out[i * d + j] = rows[i][j] * inv;
            }
        }
        return out;
    }

    /** The map that changes nothing, for a chain's first version. */
    public static EmbeddingMap identity(int d) {
        double[] m = new double[d * d];
        for (int i = 0; i < d; i++) {
            m[i * d + i] = 1;
        }
        return new EmbeddingMap(d, d, m);
    }

    /** A map from its matrix, row-major {@code from x to} (as {@link #matrix} returns it). */
    public static EmbeddingMap of(int from, int to, double[] matrix) {
        if (from < 1 || to < 1 || matrix.length != (long) from * to) {
            throw new IllegalArgumentException("a map of " + from + " x " + to + " needs " + ((long) from * to)
                    + " values, got " + matrix.length);
        }
        for (double v : matrix) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("a map's matrix must be finite");
            }
        }
        return new EmbeddingMap(from, to, matrix.clone());
    }

    /** An affine map from its matrix (as {@link #of(int, int, double[])}) and its bias ({@code to} values). */
    public static EmbeddingMap of(int from, int to, double[] matrix, double[] bias) {
        EmbeddingMap linear = of(from, to, matrix);
        if (bias.length != to) {
            throw new IllegalArgumentException("a map into " + to + " dimensions needs " + to + " bias values, got "
                    + bias.length);
        }
        for (double v : bias) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("a map's bias must be finite");
            }
        }
        return new EmbeddingMap(from, to, linear.m, bias.clone());
    }

    /**
     * The orthogonal map R (semi-orthogonal when the dimensions differ), times a scale s when {@code scaled}, that
     * minimises |s X R - Y|_F (Schoenemann 1966): with X^T Y = U S V^T, R = U V^T and s = trace(S) / |X|_F^2.
     *
     * @param x source rows, row-major {@code n x dx}; y target rows, {@code n x dy}
     */
    public static EmbeddingMap procrustes(double[] x, int dx, double[] y, int dy, int n, boolean scaled) {
        checkPairs(x, dx, y, dy, n);
        DMatrixRMaj xty = new DMatrixRMaj(dx, dy);
        CommonOps_DDRM.multTransA(DMatrixRMaj.wrap(n, dx, x), DMatrixRMaj.wrap(n, dy, y), xty);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(dx, dy, true, true, true);
        if (!svd.decompose(xty.copy())) {
            throw new ArithmeticException("the SVD of the Procrustes fit did not converge");
        }
        DMatrixRMaj r = new DMatrixRMaj(dx, dy);
        CommonOps_DDRM.multTransB(svd.getU(null, false), svd.getV(null, false), r);
        double scale = 1;
        if (scaled) {
            double traceS = Arrays.stream(svd.getSingularValues()).limit(svd.numberOfSingularValues()).sum();
            double xx = Arrays.stream(x, 0, n * dx).map(v -> v * v).sum();
            scale = xx > 0 ? traceS / xx : 1;
        }
        CommonOps_DDRM.scale(scale, r);
        return new EmbeddingMap(dx, dy, r.data);
    }

    /**
     * The linear map minimising |X M - Y|_F^2 + ridge * |X|_F^2 / dx * |M|_F^2: ordinary least squares, kept
     * solvable by a ridge relative to the source's mean energy per dimension when there are fewer images than
     * dimensions or the source is degenerate.
     */
    public static EmbeddingMap leastSquares(double[] x, int dx, double[] y, int dy, int n, double ridge) {
        checkPairs(x, dx, y, dy, n);
        if (!(ridge >= 0) || !Double.isFinite(ridge)) {
            throw new IllegalArgumentException("the least-squares ridge must be finite and >= 0, got " + ridge);
        }
        DMatrixRMaj xm = DMatrixRMaj.wrap(n, dx, x);
        DMatrixRMaj xtx = new DMatrixRMaj(dx, dx);
        CommonOps_DDRM.multTransA(xm, xm, xtx);
        DMatrixRMaj xty = new DMatrixRMaj(dx, dy);
        CommonOps_DDRM.multTransA(xm, DMatrixRMaj.wrap(n, dy, y), xty);
        return new EmbeddingMap(dx, dy, solveRidge(xtx, xty, ridge, n));
    }

    /**
     * The ridge solution (X^T X + ridge * trace(X^T X) / dx * I)^-1 X^T Y from the two products, so that several
     * ridges can be tried on one pair of products ({@link RidgeChoice}).
     */
    static double[] solveRidge(DMatrixRMaj xtx, DMatrixRMaj xty, double ridge, int n) {
        int dx = xtx.numRows;
        DMatrixRMaj a = xtx.copy();
        double lambda = ridge * CommonOps_DDRM.trace(xtx) / dx;
        for (int i = 0; i < dx; i++) {
            a.add(i, i, lambda);
        }
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(dx);
        DMatrixRMaj solution = new DMatrixRMaj(dx, xty.numCols);
        if (!solver.setA(a)) {
            throw new ArithmeticException("the least-squares system is singular: " + n + " images for a " + dx
                    + "-dimensional source; give more images or a ridge above 0");
        }
        solver.solve(xty.copy(), solution);
        return solution.data;
    }

    /**
     * The affine map {@code x M + b} minimising the ridge least-squares objective of {@link #leastSquares} on the
     * centred rows: M from the source and target less their means, b the target mean less the mapped source mean.
     * The bias carries a shift between the versions' spaces (the mean of a normalised embedding is far from 0 when
     * the classes are few), which a map through the origin can only approximate by bending the rest.
     */
    public static EmbeddingMap affineLeastSquares(double[] x, int dx, double[] y, int dy, int n, double ridge) {
        checkPairs(x, dx, y, dy, n);
        double[] mx = columnMeans(x, n, dx);
        double[] my = columnMeans(y, n, dy);
        EmbeddingMap centred = leastSquares(centre(x, n, dx, mx), dx, centre(y, n, dy, my), dy, n, ridge);
        double[] mapped = centred.apply(mx, 1);
        double[] bias = new double[dy];
        for (int j = 0; j < dy; j++) {
            bias[j] = my[j] - mapped[j];
        }
        return new EmbeddingMap(dx, dy, centred.m, bias);
    }

    static double[] columnMeans(double[] rows, int n, int d) {
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += rows[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        return mean;
    }

    static double[] centre(double[] rows, int n, int d, double[] mean) {
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                out[i * d + j] = rows[i * d + j] - mean[j];
            }
        }
        return out;
    }

    public int from() {
        return from;
    }

    public int to() {
        return to;
    }

    /** The matrix, row-major {@code from x to}; a copy. */
    public double[] matrix() {
        return m.clone();
    }

    /** The bias added after the matrix ({@code to} values, all 0 for a linear map); a copy. */
    public double[] bias() {
        return b.clone();
    }

    /** Whether the map has a bias other than 0, so that it must be published with it. */
    public boolean affine() {
        for (double v : b) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }

    /** This map, then {@code next}: a vector of this map's source space into {@code next}'s target space. */
    public EmbeddingMap then(EmbeddingMap next) {
        Objects.requireNonNull(next, "next");
        if (next.from != to) {
            throw new IllegalArgumentException("cannot follow a map into " + to + " dimensions with one from "
                    + next.from);
        }
        DMatrixRMaj product = new DMatrixRMaj(from, next.to);
        CommonOps_DDRM.mult(DMatrixRMaj.wrap(from, to, m), DMatrixRMaj.wrap(to, next.to, next.m), product);
        double[] bias = next.apply(b, 1);
        return new EmbeddingMap(from, next.to, product.data, bias);
    }

    /** Rows {@code n x from}, row-major, mapped to {@code n x to}. */
    public double[] apply(double[] rows, int n) {
        if (rows.length != (long) n * from) {
            throw new IllegalArgumentException(n + " rows of " + from + " values need " + ((long) n * from)
                    + " values, got " + rows.length);
        }
        DMatrixRMaj out = new DMatrixRMaj(n, to);
        CommonOps_DDRM.mult(DMatrixRMaj.wrap(n, from, rows), DMatrixRMaj.wrap(from, to, m), out);
        double[] y = out.data;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < to; j++) {
                y[i * to + j] += b[j];
            }
        }
        return y;
    }

    private static void checkPairs(double[] x, int dx, double[] y, int dy, int n) {
        if (n < 1 || dx < 1 || dy < 1 || x.length != (long) n * dx || y.length != (long) n * dy) {
            throw new IllegalArgumentException("a fit needs n >= 1 paired rows: " + x.length + " source values for "
                    + n + " x " + dx + ", " + y.length + " target values for " + n + " x " + dy);
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException("source row " + i / dx + " is not finite");
            }
        }
        for (int i = 0; i < y.length; i++) {
            if (!Double.isFinite(y[i])) {
                throw new IllegalArgumentException("target row " + i / dy + " is not finite");
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddingMap[" + from + " -> " + to + (affine() ? ", affine" : "") + "]";
    }
}
