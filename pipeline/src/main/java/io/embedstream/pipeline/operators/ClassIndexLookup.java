package io.embedstream.pipeline.operators;

import io.embedstream.pipeline.types.ScoredImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer's class index of an image that the metrics operator sampled from the input. The probe set and the drift
 * references are sampled before the batcher, where a class that arrived as a name has no index yet (the batcher's
 * registry gives it one), so its index is looked up in the name table of the latest version
 * ({@code MetricsState.classNames}, checkpointed). A name that no version has trained on has no index (-1): the
 * per-class figures leave such rows out until a version names the class. Integer labels are their own index.
 */
final class ClassIndexLookup {
    /** The value for an image whose class no version names yet. */
    static final int UNKNOWN = -1;

    private final MetricsOperator.MetricsState state;
    /** The table {@link #index} was built from, and whether a version has brought one since. */
    private String[] indexedTable;
    private boolean stale = true;
    private Map<String, Integer> index = Map.of();

    ClassIndexLookup(MetricsOperator.MetricsState state) {
        this.state = state;
    }

    /** A version brought its name table: the next lookup reads it anew. */
    void update(String[] classNames) {
        state.classNames = classNames;
        stale = true;
    }

    /** The class index of each image, in order; {@link #UNKNOWN} for a name no version has trained on yet. */
    int[] labels(List<ScoredImage> images) {
        int[] labels = new int[images.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = indexOf(images.get(i));
        }
        return labels;
    }

    int indexOf(ScoredImage image) {
        if (image.labelName == null) {
            return image.label;
        }
        Integer found = table().get(image.labelName);
        return found == null ? UNKNOWN : found;
    }

    /** Name to index of the latest table, rebuilt once per version that brings one (O(classes), not per image). */
    private Map<String, Integer> table() {
        String[] names = state.classNames;
        if (stale || names != indexedTable) {
            Map<String, Integer> built = new HashMap<>();
            if (names != null) {
                for (int c = 0; c < names.length; c++) {
                    if (names[c] != null) {
                        built.put(names[c], c);
                    }
                }
            }
            index = built;
            indexedTable = names;
            stale = false;
        }
        return index;
    }

    /** The positions of the rows whose class is known, or null when every row's is (the common case: no copy). */
    static int[] known(int[] labels) {
        int count = 0;
        for (int label : labels) {
            if (label >= 0) {
                count++;
            }
        }
        if (count == labels.length) {
            return null;
        }
        int[] rows = new int[count];
        int next = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 0) {
                rows[next++] = i;
            }
        }
        return rows;
    }

    static int[] select(int[] values, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }

    static float[][] select(float[][] values, int[] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }
}
