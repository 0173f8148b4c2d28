package io.embedstream.experiments.compat;

import io.embedstream.model.compat.EmbeddingMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Carries the first version's index forward along a chain of versions and scores it against each later version's
 * queries (P@1, cosine nearest neighbour), for each map variant and each number of fit images.
 *
 * <p>A chained map goes from one version to the next, as a service would receive them; a direct map goes from the
 * first version to version k at once, which needs the fit images embedded by the first version still at hand (it is
 * measured with all the fit images only). Every map is fitted on the fit images only (the held-out set's role in the
 * pipeline), never on the index or the queries; a smaller fit set is the first of them. Rows are L2-normalised
 * before fitting and mapping: retrieval is by cosine, so a map should align directions, not norms.
 */
public final class IndexCarryForward {
    private final List<MapVariant> variants;
    private final int[] fitSizes;

    /** {@code fitSizes}: numbers of fit images each variant is fitted on (each at most the fit images there are). */
    public IndexCarryForward(List<MapVariant> variants, int... fitSizes) {
        if (variants.isEmpty() || fitSizes.length == 0 || Arrays.stream(fitSizes).anyMatch(s -> s < 2)) {
            throw new IllegalArgumentException("need at least one map variant and fit sizes of at least 2 images");
        }
        this.variants = List.copyOf(variants);
        this.fitSizes = fitSizes.clone();
    }

    /** The name of the figures of maps a job published ({@link #run(List, int[], int[], int[], List)}). */
    public static final String PUBLISHED = "the job's published maps";

    public List<CarryForwardFigures> run(List<VersionEmbeddings> versions, int[] galleryLabels, int[] queryLabels,
                                         int[] fitLabels) {
        return run(versions, galleryLabels, queryLabels, fitLabels, null);
    }

    /**
     * As {@link #run(List, int[], int[], int[])}, and besides the variants fitted here, the index carried by
     * {@code published}: for each version k the map from the first version's space to k's as a job published it
     * (composed along its chain of promotions; element 0 is not used; a null element is a chain with a missing link).
     * Scored as {@value #PUBLISHED}, chained, with 0 fit images (the job fitted it on its own held-out set).
     */
    public List<CarryForwardFigures> run(List<VersionEmbeddings> versions, int[] galleryLabels, int[] queryLabels,
                                         int[] fitLabels, List<EmbeddingMap> published) {
        if (published != null && published.size() != versions.size()) {
            throw new IllegalArgumentException("need one published map per version, got " + published.size()
                    + " for " + versions.size());
        }
        if (versions.size() < 2) {
            throw new IllegalArgumentException("a chain needs at least 2 versions, got " + versions.size());
        }
        int available = versions.get(0).fit().length;
        int largest = Arrays.stream(fitSizes).max().orElseThrow();
        if (largest > available || fitLabels.length != available) {
            throw new IllegalArgumentException("fit sizes up to " + largest + " need as many fit images with labels,"
                    + " got " + available + " images and " + fitLabels.length + " labels");
        }
        VersionEmbeddings first = versions.get(0);
        int n = first.gallery().length;
        int d0 = first.gallery()[0].length;
        double[] oldGallery = flatNormalised(first.gallery());
        double[] firstFit = flatNormalised(first.fit());
        EmbeddingMap[][] chains = new EmbeddingMap[variants.size()][fitSizes.length];
        for (EmbeddingMap[] row : chains) {
            Arrays.fill(row, EmbeddingMap.identity(d0));
        }
        List<CarryForwardFigures> figures = new ArrayList<>();
        for (int k = 0; k < versions.size(); k++) {
            VersionEmbeddings v = versions.get(k);
            try (CosineRetrieval retrieval = new CosineRetrieval(v.queries(), queryLabels)) {
                double asIs = v.queries()[0].length == d0 ? retrieval.precisionAt1(first.gallery(), galleryLabels)
                        : Double.NaN;
                double fresh = retrieval.precisionAt1(v.gallery(), galleryLabels);
                List<CarryForwardFigures.Carried> carried = new ArrayList<>();
                if (k > 0) {
                    double[] x = flatNormalised(versions.get(k - 1).fit());
                    double[] y = flatNormalised(v.fit());
                    int dx = versions.get(k - 1).fit()[0].length;
                    int dy = v.fit()[0].length;
                    for (int a = 0; a < variants.size(); a++) {
                        MapVariant variant = variants.get(a);
                        for (int s = 0; s < fitSizes.length; s++) {
                            int m = fitSizes[s];
                            EmbeddingMap step = variant.fit(Arrays.copyOf(x, m * dx), dx, Arrays.copyOf(y, m * dy), dy,
                                    m, Arrays.copyOf(fitLabels, m));
                            chains[a][s] = chains[a][s].then(step);
                            carried.add(new CarryForwardFigures.Carried(variant.name(), m, true,
                                    retrieval.precisionAt1(rows(chains[a][s].apply(oldGallery, n), n, dy), galleryLabels)));
                        }
                        EmbeddingMap direct = variant.fit(firstFit, d0, y, dy, available, fitLabels);
                        carried.add(new CarryForwardFigures.Carried(variant.name(), available, false,
                                retrieval.precisionAt1(rows(direct.apply(oldGallery, n), n, dy), galleryLabels)));
                    }
                    if (published != null) {
                        EmbeddingMap map = published.get(k);
                        carried.add(new CarryForwardFigures.Carried(PUBLISHED, 0, true, map == null ? Double.NaN
                                : retrieval.precisionAt1(rows(map.apply(oldGallery, n), n, dy), galleryLabels)));
                    }
                }
                figures.add(new CarryForwardFigures(k, v.step(), asIs, fresh, carried));
            }
        }
        return figures;
    }

    private static double[] flatNormalised(float[][] rows) {
        return EmbeddingMap.unitRows(rows, rows[0].length);
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
