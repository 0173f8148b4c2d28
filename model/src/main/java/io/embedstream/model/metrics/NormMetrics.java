package io.embedstream.model.metrics;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * Feature-norm figures of one window (L2 norms of the raw embeddings).
 *
 * @param mean                   mean norm over the window
 * @param std                    population standard deviation of the norms
 * @param perClass               label -> norm statistics of that class; empty without labels
 * @param normQualitySpearman    Spearman rank correlation between norm and sample quality; empty when the
 *                               window has no qualities or either variable is constant
 */
public record NormMetrics(double mean, double std, Map<Integer, ClassNorms> perClass, OptionalDouble normQualitySpearman) {

    public NormMetrics {
        perClass = Map.copyOf(perClass);
    }

    /** Norm statistics of one class. */
    public record ClassNorms(int count, double mean, double std) {}
}
