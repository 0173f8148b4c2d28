package io.embedstream.experiments.compat;

import io.embedstream.model.compat.EmbeddingMap;
import io.embedstream.model.eval.KnnEvaluator;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries the first version's index forward along a chain of versions and scores it against each later version's
 * queries (P@1, cosine nearest neighbour).
 *
 * <p>A chained map goes from one version to the next, as a service would receive them; a direct map goes from the
 * first version to version k at once, which needs the fit images embedded by the first version still at hand. Every
 * map is fitted on the fit images only (the held-out set's role in the pipeline), never on the index or the queries. Rows are L2-normalised before
 * fitting and mapping: retrieval is by cosine, so a map should align directions, not norms.
 */
public final class IndexCarryForward {
    private final double ridge;

    /** {@code ridge} for the least-squares fit, relative to the fit images' energy per dimension. */
    public IndexCarryForward(double ridge) {
        this.ridge = ridge;
    }

    public List<CarryForwardFigures> run(List<VersionEmbeddings> versions, int[] galleryLabels, int[] queryLabels) {
        if (versions.size() < 2) {
            throw new IllegalArgumentException("a chain needs at least 2 versions, got " + versions.size());
        }
        VersionEmbeddings first = versions.get(0);
        double[] oldGallery = flatNormalised(first.gallery());
        double[] firstFit = flatNormalised(first.fit());
        int n = first.gallery().length;
        int d0 = first.gallery()[0].length;
        EmbeddingMap leastSquares = EmbeddingMap.identity(d0);
        EmbeddingMap procrustes = EmbeddingMap.identity(d0);
        List<CarryForwardFigures> figures = new ArrayList<>();
        for (int k = 0; k < versions.size(); k++) {
            VersionEmbeddings v = versions.get(k);
            if (k > 0) {
                VersionEmbeddings previous = versions.get(k - 1);
                double[] x = flatNormalised(previous.fit());
                double[] y = flatNormalised(v.fit());
                int m = v.fit().length;
                int dx = previous.fit()[0].length;
                int dy = v.fit()[0].length;
                leastSquares = leastSquares.then(EmbeddingMap.leastSquares(x, dx, y, dy, m, ridge));
                procrustes = procrustes.then(EmbeddingMap.procrustes(x, dx, y, dy, m, true));
            }
            double asIs = v.queries()[0].length == d0
                    ? new KnnEvaluator(first.gallery(), galleryLabels).accuracy(v.queries(), queryLabels)
                    : Double.NaN;
            double ls = p1(rows(leastSquares.apply(oldGallery, n), n, leastSquares.to()), galleryLabels, v.queries(), queryLabels);
            double pr = p1(rows(procrustes.apply(oldGallery, n), n, procrustes.to()), galleryLabels, v.queries(), queryLabels);
            double[] y = flatNormalised(v.fit());
            int m = v.fit().length;
            int dy = v.fit()[0].length;
            EmbeddingMap directLs = k == 0 ? EmbeddingMap.identity(d0) : EmbeddingMap.leastSquares(firstFit, d0, y, dy, m, ridge);
            EmbeddingMap directPr = k == 0 ? EmbeddingMap.identity(d0) : EmbeddingMap.procrustes(firstFit, d0, y, dy, m, true);
            double dls = p1(rows(directLs.apply(oldGallery, n), n, directLs.to()), galleryLabels, v.queries(), queryLabels);
            double dpr = p1(rows(directPr.apply(oldGallery, n), n, directPr.to()), galleryLabels, v.queries(), queryLabels);
            double fresh = new KnnEvaluator(v.gallery(), galleryLabels).accuracy(v.queries(), queryLabels);
            figures.add(new CarryForwardFigures(k, v.step(), asIs, ls, pr, dls, dpr, fresh));
        }
        return figures;
    }

    private static double p1(float[][] gallery, int[] galleryLabels, float[][] queries, int[] queryLabels) {
        return new KnnEvaluator(gallery, galleryLabels).accuracy(queries, queryLabels);
    }

    private static double[] flatNormalised(float[][] rows) {
        int d = rows[0].length;
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

    private static float[][] rows(double[] flat, int n, int d) {
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = (float) flat[i * d + j];
            }
        }
        return out;
    }
}
