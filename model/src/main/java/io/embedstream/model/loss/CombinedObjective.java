package io.embedstream.model.loss;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/** The weighted sum of the configured terms; keeps each term's own value for reporting. */
public final class CombinedObjective {
    private final ObjectiveConfig config;
    private final List<WeightedLoss> terms;

    public CombinedObjective(ObjectiveConfig config) {
        this.config = config;
        this.terms = config.terms();
    }

    public ObjectiveConfig config() {
        return config;
    }

    /** Names of the terms, in the order their values appear in {@link Evaluation#components()}. */
    public List<String> componentNames() {
        return terms.stream().map(t -> t.loss().name()).toList();
    }

    public Evaluation evaluate(LossInput input) {
        List<NDArray> components = new ArrayList<>(terms.size());
        NDArray total = null;
        for (WeightedLoss term : terms) {
            NDArray value = term.loss().evaluate(input);
            components.add(value);
            NDArray weighted = term.weight() == 1f ? value : value.mul(GraphConstant.of(value, term.weight()));
            total = total == null ? weighted : total.add(weighted);
        }
        return new Evaluation(total, components);
    }

    /** The differentiable total and the unweighted value of each term (same order as the names). */
    public record Evaluation(NDArray total, List<NDArray> components) {}
}
