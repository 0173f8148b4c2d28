package io.embedstream.model.loss;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * R = 1/2 logdet(I + c G) of a Gram matrix G, computed on the host in doubles. I + c G has every eigenvalue
 * at least 1, so the Cholesky factorisation always exists: logdet = 2 sum log L_ii.
 *
 * @param rate R
 * @param inverse (I + c G)^-1, row-major k x k, needed for the gradient c V A^-1
 */
public record CodingRate(double rate, double[] inverse) {

    public static CodingRate of(float[] gram, int k, double c) {
        DMatrixRMaj a = new DMatrixRMaj(k, k);
        for (int i = 0; i < k * k; i++) {
            a.data[i] = c * gram[i];
        }
        for (int i = 0; i < k; i++) {
            a.data[i * k + i] += 1.0;
        }
        // Symmetrise: float round-off can leave G a hair off symmetric.
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                double mean = 0.5 * (a.data[i * k + j] + a.data[j * k + i]);
                a.data[i * k + j] = mean;
                a.data[j * k + i] = mean;
            }
        }
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(k, true);
        DMatrixRMaj factor = a.copy();
        if (!chol.decompose(factor)) {
            throw new ArithmeticException("coding rate: I + cG is not positive definite (non-finite embeddings?)");
        }
        DMatrixRMaj lower = chol.getT(null);
        double halfLogdet = 0;
        for (int i = 0; i < k; i++) {
            halfLogdet += Math.log(lower.get(i, i));
        }
        DMatrixRMaj inverse = new DMatrixRMaj(k, k);
        CommonOps_DDRM.invertSPD(a, inverse);
        return new CodingRate(halfLogdet, inverse.data);
    }
}
