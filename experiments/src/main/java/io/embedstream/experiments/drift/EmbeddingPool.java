package io.embedstream.experiments.drift;

import io.embedstream.model.random.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Labelled embeddings that a simulated stream draws its rows from: in shuffled passes without replacement (a pass
 * ends when every row was drawn once, then a new shuffle starts), either over all rows or within one class. A
 * window therefore repeats a row only when it is larger than the pool (or than the class), and the rows of
 * consecutive windows are as far apart as the pool allows.
 *
 * <p>The arrays are shared, not copied: {@link #withSeed(long)} gives a second, independent sampler over the
 * same rows. Not thread-safe.
 */
public final class EmbeddingPool {
    private final float[][] rows;
    private final int[] labels;
    private final Rng rng;
    private final Cycle all;
    private final TreeMap<Integer, Cycle> byClass = new TreeMap<>();

    /**
     * @param rows   the embeddings (all of one dimension, finite)
     * @param labels one class label per row
     * @param seed   seed of the shuffles
     */
    public EmbeddingPool(float[][] rows, int[] labels, long seed) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(labels, "labels");
        if (rows.length == 0) {
            throw new IllegalArgumentException("an embedding pool needs at least one row");
        }
        if (rows.length != labels.length) {
            throw new IllegalArgumentException("the pool has " + rows.length + " rows but " + labels.length + " labels");
        }
        this.rows = rows;
        this.labels = labels;
        this.rng = new Rng(seed);
        int[] everything = new int[rows.length];
        Map<Integer, List<Integer>> members = new TreeMap<>();
        for (int i = 0; i < rows.length; i++) {
            everything[i] = i;
            members.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        }
        this.all = new Cycle(everything);
        members.forEach((label, list) -> byClass.put(label, new Cycle(list.stream().mapToInt(Integer::intValue).toArray())));
    }

    /** The same rows with a sampler of its own. */
    public EmbeddingPool withSeed(long seed) {
        return new EmbeddingPool(rows, labels, seed);
    }

    public int dimension() {
        return rows[0].length;
    }

    /** The classes present, ascending, with their row counts. */
    public Map<Integer, Integer> classCounts() {
        Map<Integer, Integer> m = new TreeMap<>();
        byClass.forEach((label, cycle) -> m.put(label, cycle.members.length));
        return m;
    }

    /** The next row of the current pass over all rows (its index). */
    int next() {
        return all.next();
    }

    /** The next row of class {@code label} (its index). */
    int nextOfClass(int label) {
        Cycle c = byClass.get(label);
        if (c == null) {
            throw new IllegalArgumentException("the pool has no row of class " + label + "; its classes are "
                    + byClass.keySet());
        }
        return c.next();
    }

    float[] row(int i) {
        return rows[i];
    }

    int label(int i) {
        return labels[i];
    }

    /** Shuffled passes over a fixed set of row indices. */
    private final class Cycle {
        final int[] members;
        final int[] order;
        int at;

        Cycle(int[] members) {
            this.members = members;
            this.order = members.clone();
            this.at = order.length;
        }

        int next() {
            if (at == order.length) {
                for (int i = order.length - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                at = 0;
            }
            return order[at++];
        }
    }
}
