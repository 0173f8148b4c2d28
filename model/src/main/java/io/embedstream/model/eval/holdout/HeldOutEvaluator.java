package io.embedstream.model.eval.holdout;

import io.embedstream.model.eval.LabeledEmbeddings;
import io.embedstream.model.eval.RetrievalEvaluator;
import io.embedstream.model.eval.SubsetMetrics;
import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Evaluates a version on a {@link HeldOutSet}: within each class, in arrival order, images alternate between
 * gallery and query (first to the gallery), and every query is searched among the whole gallery.
 *
 * <p>Alternating, not a random split: the serving version and a candidate evaluated on the same set see the same
 * queries and gallery, so their difference is the models', not the split's. A class with one image is in the
 * gallery only, where it still competes as a distractor. Queries are also reported per band of their quality
 * estimate ({@code bands} cut points, default 1/3 and 2/3), since the promotion gate must see a candidate that
 * gets better on clean images and worse on degraded ones.
 */
public final class HeldOutEvaluator {
    private final RetrievalEvaluator retrieval;
    private final double[] cuts;

    private HeldOutEvaluator(RetrievalEvaluator retrieval, double[] cuts) {
        this.retrieval = retrieval;
        this.cuts = cuts;
    }

    /** Cosine retrieval, quality bands [0, 1/3), [1/3, 2/3), [2/3, 1]. */
    public static HeldOutEvaluator withDefaults() {
        return of(RetrievalEvaluator.withDefaults(), 1.0 / 3, 2.0 / 3);
    }

    /** With the given retrieval settings and the quality estimate's cut points between bands, ascending in (0, 1). */
    public static HeldOutEvaluator of(RetrievalEvaluator retrieval, double... qualityCuts) {
        Objects.requireNonNull(retrieval, "retrieval");
        double previous = 0;
        for (double c : qualityCuts) {
            if (!(c > previous && c < 1)) {
                throw new IllegalArgumentException("quality band cut points must rise strictly inside (0, 1), got "
                        + Arrays.toString(qualityCuts));
            }
            previous = c;
        }
        return new HeldOutEvaluator(retrieval, qualityCuts.clone());
    }

    /**
     * The version's figures, or empty while the set cannot judge a version: fewer than two classes with a query.
     * {@code embed} maps images to one embedding row each, in order (the version's network).
     */
    public Optional<HeldOutFigures> evaluate(HeldOutSet set, Function<List<LabeledImage>, float[][]> embed) {
        List<HeldOutSet.Entry> queries = new ArrayList<>();
        List<HeldOutSet.Entry> gallery = new ArrayList<>();
        int previousLabel = Integer.MIN_VALUE;
        int position = 0;
        for (HeldOutSet.Entry e : set.entries()) {
            position = e.image().label() == previousLabel ? position + 1 : 0;
            previousLabel = e.image().label();
            (position % 2 == 0 ? gallery : queries).add(e);
        }
        int classes = (int) queries.stream().mapToInt(e -> e.image().label()).distinct().count();
        if (classes < 2) {
            return Optional.empty();
        }
        float[][] q = embedAll(embed, queries);
        float[][] g = embedAll(embed, gallery);
        int nonFinite = nonFiniteRows(q) + nonFiniteRows(g);
        if (nonFinite > 0) {
            return Optional.of(new HeldOutFigures(queries.size(), gallery.size(), classes, nonFinite, Double.NaN,
                    OptionalDouble.of(Double.NaN), List.of()));
        }
        LabeledEmbeddings references = LabeledEmbeddings.of(g, labels(gallery));
        SubsetMetrics all = retrieval.evaluate(LabeledEmbeddings.of(q, labels(queries)), references).overall();
        List<HeldOutFigures.Band> bands = new ArrayList<>();
        for (int b = 0; b <= cuts.length; b++) {
            double from = b == 0 ? 0 : cuts[b - 1];
            double to = b == cuts.length ? 1 : cuts[b];
            boolean last = b == cuts.length;
            int[] members = IntStream.range(0, queries.size()).filter(i -> {
                float quality = queries.get(i).quality();
                return quality >= from && (quality < to || last);
            }).toArray();
            if (members.length == 0) {
                continue;
            }
            float[][] rows = Arrays.stream(members).mapToObj(i -> q[i]).toArray(float[][]::new);
            int[] bandLabels = Arrays.stream(members).map(i -> queries.get(i).image().label()).toArray();
            SubsetMetrics m = retrieval.evaluate(LabeledEmbeddings.of(rows, bandLabels), references).overall();
            bands.add(new HeldOutFigures.Band(from, to, members.length, m.precisionAt1(), m.mapAtR()));
        }
        return Optional.of(new HeldOutFigures(queries.size(), gallery.size(), classes, 0, all.precisionAt1(),
                all.mapAtR(), bands));
    }

    /**
     * Whether each query's nearest gallery image has the query's label, in query order: whether images agree with
     * their labels as the gallery's do. Every image is embedded in one call. Empty without queries or gallery, or when
     * a row is not finite.
     */
    public Optional<boolean[]> hitsAt1(List<HeldOutSet.Entry> queries, List<HeldOutSet.Entry> gallery,
                                      Function<List<LabeledImage>, float[][]> embed) {
        if (queries.isEmpty() || gallery.isEmpty()) {
            return Optional.empty();
        }
        List<HeldOutSet.Entry> all = new ArrayList<>(queries);
        all.addAll(gallery);
        float[][] rows = embedAll(embed, all);
        if (nonFiniteRows(rows) > 0) {
            return Optional.empty();
        }
        return Optional.of(retrieval.hitsAt1(
                LabeledEmbeddings.of(Arrays.copyOfRange(rows, 0, queries.size()), labels(queries)),
                LabeledEmbeddings.of(Arrays.copyOfRange(rows, queries.size(), rows.length), labels(gallery))));
    }

    private static float[][] embedAll(Function<List<LabeledImage>, float[][]> embed, List<HeldOutSet.Entry> entries) {
        float[][] rows = embed.apply(entries.stream().map(HeldOutSet.Entry::image).toList());
        if (rows.length != entries.size()) {
            throw new IllegalStateException("the version embedded " + entries.size() + " held-out images as "
                    + rows.length + " rows");
        }
        return rows;
    }

    private static int[] labels(List<HeldOutSet.Entry> entries) {
        return entries.stream().mapToInt(e -> e.image().label()).toArray();
    }

    private static int nonFiniteRows(float[][] rows) {
        int bad = 0;
        for (float[] row : rows) {
            for (float v : row) {
                if (!Float.isFinite(v)) {
                    bad++;
                    break;
                }
            }
        }
        return bad;
    }
}
