package io.embedstream.connectors.wire.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The window's mean loss over its applied steps (key {@code loss}): {@code total} and one entry per weighted term
 * of the objective ({@code cm}, {@code ldmat}, {@code anticollapse_proxies}, ...), in the trainer's order. A window
 * whose steps were all skipped has no total; the terms are whichever the objective has, so they are open.
 *
 * @param total the mean total loss, absent when no step of the window was applied
 * @param terms the mean of each loss term, by name (never {@code total})
 */
public record LossMeans(OptionalDouble total, Map<String, Double> terms) {
    /** The key of the total among the loss object's keys. */
    public static final String TOTAL = "total";

    public LossMeans {
        total.ifPresent(v -> MetricsRecord.requireFinite(v, "loss.total"));
        if (terms.containsKey(TOTAL)) {
            throw new IllegalArgumentException("the loss terms must not have one named '" + TOTAL + "'");
        }
        terms.forEach((name, value) -> MetricsRecord.requireFinite(value, "loss." + name));
        terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    /** A term's mean by name, absent when the window's objective had no such term. */
    public OptionalDouble term(String name) {
        Double value = terms.get(name);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
}
