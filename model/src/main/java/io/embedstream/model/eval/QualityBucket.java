package io.embedstream.model.eval;

import java.util.Locale;

/**
 * How degraded a query image is, for reporting every figure per quality level. The split follows the degradation
 * severities of {@link io.embedstream.model.data.DegradationPlan} (levels 0.3, 0.6 and 1.0 by default): clean is
 * severity 0, mild is below {@link #DEFAULT_STRONG_FROM}, strong from it on.
 */
public enum QualityBucket {
    CLEAN, MILD, STRONG;

    /** Severity from which an image counts as strongly degraded: 0.6 and 1.0 are strong, 0.3 is mild. */
    public static final double DEFAULT_STRONG_FROM = 0.6;

    /** The bucket of a degradation severity in [0, 1]. */
    public static QualityBucket ofSeverity(double severity, double strongFrom) {
        if (!(severity >= 0 && severity <= 1)) {
            throw new IllegalArgumentException("severity must be in [0, 1], got " + severity);
        }
        if (!(strongFrom > 0 && strongFrom <= 1)) {
            throw new IllegalArgumentException("strong-degradation threshold must be in (0, 1], got " + strongFrom);
        }
        return severity == 0 ? CLEAN : severity < strongFrom ? MILD : STRONG;
    }

    /** Lower-case name for tables and JSON: clean, mild, strong. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
