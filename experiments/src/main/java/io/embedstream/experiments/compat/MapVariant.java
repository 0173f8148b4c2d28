package io.embedstream.experiments.compat;

import io.embedstream.model.compat.ClassTargets;
import io.embedstream.model.compat.EmbeddingMap;
import io.embedstream.model.compat.RidgeChoice;
import java.util.List;
import java.util.Locale;

/**
 * One way of fitting the map from a version's space to a later one's on the fit images: {@code x} and {@code y} are
 * the same {@code n} images embedded by the two versions (rows L2-normalised), {@code labels} their classes.
 */
public record MapVariant(String name, Fitter fitter) {

    @FunctionalInterface
    public interface Fitter {
        EmbeddingMap fit(double[] x, int dx, double[] y, int dy, int n, int[] labels);
    }

    public EmbeddingMap fit(double[] x, int dx, double[] y, int dy, int n, int[] labels) {
        return fitter.fit(x, dx, y, dy, n, labels);
    }

    /** Least squares with a fixed ridge (the first measurement's map). */
    public static MapVariant leastSquares(double ridge) {
        return new MapVariant(String.format(Locale.ROOT, "LS ridge %.0e", ridge),
                (x, dx, y, dy, n, l) -> EmbeddingMap.leastSquares(x, dx, y, dy, n, ridge));
    }

    /** Orthogonal Procrustes with scale, towards the images' own targets or class-blended ones. */
    public static MapVariant procrustes(double classWeight) {
        return new MapVariant(classWeight == 0 ? "Procrustes" : String.format(Locale.ROOT, "Procrustes, class %.2f",
                classWeight), (x, dx, y, dy, n, l) -> EmbeddingMap.procrustes(x, dx,
                ClassTargets.blend(y, dy, n, l, classWeight), dy, n, true));
    }

    /**
     * Least squares (linear or affine) with the ridge chosen on a validation fifth of the fit images, towards targets
     * blended with the new version's class centroids by {@code classWeight} (0: the images' own embeddings).
     */
    public static MapVariant validated(boolean affine, double classWeight) {
        String name = (affine ? "affine LS" : "LS") + ", ridge by validation"
                + (classWeight == 0 ? "" : String.format(Locale.ROOT, ", class %.2f", classWeight));
        return new MapVariant(name, (x, dx, y, dy, n, l) -> {
            double[] t = ClassTargets.blend(y, dy, n, l, classWeight);
            double ridge = RidgeChoice.choose(x, dx, t, dy, n, affine);
            return affine ? EmbeddingMap.affineLeastSquares(x, dx, t, dy, n, ridge)
                    : EmbeddingMap.leastSquares(x, dx, t, dy, n, ridge);
        });
    }

    /** The variants `experiment compat` compares. */
    public static List<MapVariant> standard() {
        return List.of(leastSquares(1e-4), procrustes(0), validated(false, 0), validated(true, 0),
                validated(false, 0.5), validated(true, 0.5), validated(false, 1), procrustes(0.5));
    }
}
