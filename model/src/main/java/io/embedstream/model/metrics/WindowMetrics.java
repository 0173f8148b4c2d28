package io.embedstream.model.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Facade computing every single-window metric, and optionally the MMD drift test against a reference
 * window, into one {@link WindowReport}.
 *
 * <p>Input problems that are facts about the stream (an empty window, rows with NaN, a single class,
 * identical embeddings) give a report whose unavailable sections are empty and whose notes explain why;
 * misuse (null, mismatched dimensions) throws {@link IllegalArgumentException} / NPE.
 *
 * <p>Thread-safe and stateless apart from its immutable configuration; create once per operator.
 */
public final class WindowMetrics {
    private final MetricsConfig config;
    private final CollapseAnalyzer collapse;
    private final SeparationAnalyzer separation;
    private final DataDriftTest drift;

    public WindowMetrics(MetricsConfig config, DriftConfig driftConfig) {
        this.config = Objects.requireNonNull(config, "config");
        this.collapse = new CollapseAnalyzer(config);
        this.separation = new SeparationAnalyzer(config);
        this.drift = new DataDriftTest(Objects.requireNonNull(driftConfig, "driftConfig"));
    }

    /** With {@link MetricsConfig#defaults()} and {@link DriftConfig#defaults()}. */
    public static WindowMetrics withDefaults() {
        return new WindowMetrics(MetricsConfig.defaults(), DriftConfig.defaults());
    }

    public MetricsConfig config() {
        return config;
    }

    /** All single-window metrics; the report's drift section is empty. */
    public WindowReport compute(EmbeddingWindow window) {
        Objects.requireNonNull(window, "window");
        List<String> notes = new ArrayList<>();
        FiniteRows rows = FiniteRows.of(window);
        return build(window, rows, Optional.empty(), notes);
    }

    /**
     * All single-window metrics plus the MMD drift test of {@code window} against {@code reference}.
     *
     * @throws IllegalArgumentException if the two windows have different dimensions
     */
    public WindowReport compute(EmbeddingWindow window, EmbeddingWindow reference) {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(reference, "reference");
        if (window.d() != reference.d()) {
            throw new IllegalArgumentException("reference window has d=" + reference.d() + ", current window d=" + window.d());
        }
        List<String> notes = new ArrayList<>();
        FiniteRows rows = FiniteRows.of(window);
        FiniteRows ref = FiniteRows.of(reference);
        Optional<DataDriftResult> driftResult = Optional.empty();
        if (rows.n >= 2 && ref.n >= 2) {
            driftResult = Optional.of(drift.test(ref, rows));
        } else {
            notes.add("drift: MMD needs >= 2 finite rows in each window, got current " + rows.n + ", reference " + ref.n);
        }
        if (ref.dropped > 0) {
            notes.add("drift: ignored " + ref.dropped + " reference rows with non-finite values");
        }
        return build(window, rows, driftResult, notes);
    }

    private WindowReport build(EmbeddingWindow window, FiniteRows rows, Optional<DataDriftResult> driftResult,
                               List<String> notes) {
        if (rows.dropped > 0) {
            notes.add(0, "window: ignored " + rows.dropped + " of " + window.n() + " rows with NaN or infinite values");
        }
        Optional<CollapseMetrics> collapseMetrics = Optional.empty();
        Optional<NormMetrics> normMetrics = Optional.empty();
        Optional<SeparationMetrics> separationMetrics = Optional.empty();
        if (rows.n == 0) {
            notes.add(window.n() == 0 ? "window: empty; no metrics" : "window: no finite rows; no metrics");
        } else {
            normMetrics = Optional.of(NormAnalyzer.analyze(rows, notes));
            if (rows.n < 2) {
                notes.add("window: collapse and separation need >= 2 finite rows, got 1");
            } else {
                collapseMetrics = Optional.of(collapse.analyze(rows, notes));
                separationMetrics = Optional.of(separation.analyze(rows, notes));
            }
        }
        return new WindowReport(window.n(), window.d(), rows.dropped, collapseMetrics, normMetrics, separationMetrics,
                driftResult, notes);
    }
}
