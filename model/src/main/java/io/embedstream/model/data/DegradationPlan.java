package io.embedstream.model.data;

import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Turns a list of clean images into a list of {@link DegradedImage}s in the same order, with a known share of
 * them degraded and the degradation and severity of each recorded.
 *
 * <p>Exactly {@code round(degradedShare * n)} images are degraded, chosen by a seeded shuffle (so the share is
 * exact, not just expected). Each chosen image gets a degradation drawn uniformly from the configured set and a
 * severity drawn uniformly either from the configured discrete levels or from the configured continuous range.
 * The result depends only on the configuration and the input list, so a plan is reusable and thread-safe.
 */
public final class DegradationPlan {
    private final double degradedShare;
    private final List<Degradation> degradations;
    private final double[] levels; // null when a continuous range is used
    private final double minSeverity;
    private final double maxSeverity;
    private final long seed;

    private DegradationPlan(Builder b) {
        this.degradedShare = b.degradedShare;
        this.degradations = List.copyOf(b.degradations);
        this.levels = b.levels == null ? null : b.levels.clone();
        this.minSeverity = b.minSeverity;
        this.maxSeverity = b.maxSeverity;
        this.seed = b.seed;
    }

    /**
     * A builder with the defaults: 20% degraded, all five degradations, severity levels {0.3, 0.6, 1.0}, seed 42.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Applies the plan; the output has one entry per input image, in input order. */
    public List<DegradedImage> apply(List<LabeledImage> clean) {
        Objects.requireNonNull(clean, "clean images");
        int n = clean.size();
        Random rng = new Random(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int degradedCount = (int) Math.round(degradedShare * n);
        DegradedImage[] out = new DegradedImage[n];
        for (int k = 0; k < n; k++) {
            int index = order[k];
            LabeledImage image = Objects.requireNonNull(clean.get(index), "image at index " + index);
            if (k >= degradedCount) {
                out[index] = DegradedImage.clean(image);
                continue;
            }
            Degradation d = degradations.get(rng.nextInt(degradations.size()));
            double severity = levels != null
                    ? levels[rng.nextInt(levels.length)]
                    : minSeverity + (maxSeverity - minSeverity) * rng.nextDouble();
            // Noise draws from its own generator so that one image's draws do not shift every later choice.
            Random pixelRng = new Random(rng.nextLong());
            out[index] = new DegradedImage(d.apply(image, severity, pixelRng), d, severity);
        }
        return Arrays.asList(out);
    }

    public double degradedShare() { return degradedShare; }
    public List<Degradation> degradations() { return degradations; }
    public long seed() { return seed; }

    /** The discrete severity levels, or an empty list when severities are drawn from a continuous range. */
    public List<Double> severityLevels() {
        List<Double> l = new ArrayList<>();
        if (levels != null) {
            for (double v : levels) {
                l.add(v);
            }
        }
        return List.copyOf(l);
    }

    /** Configuration of a {@link DegradationPlan}. */
    public static final class Builder {
        private double degradedShare = 0.2;
        private EnumSet<Degradation> degradations = EnumSet.allOf(Degradation.class);
        private double[] levels = {0.3, 0.6, 1.0};
        private double minSeverity = Double.NaN;
        private double maxSeverity = Double.NaN;
        private long seed = 42L;

        private Builder() {}

        /** Share of images to degrade, in [0, 1]; default 0.2. */
        public Builder degradedShare(double share) {
            if (!(share >= 0.0 && share <= 1.0)) {
                throw new IllegalArgumentException("degraded share must be in [0, 1], got " + share);
            }
            this.degradedShare = share;
            return this;
        }

        /** The degradations to draw from (uniformly); default all of {@link Degradation}. */
        public Builder degradations(Collection<Degradation> types) {
            Objects.requireNonNull(types, "degradations");
            if (types.isEmpty()) {
                throw new IllegalArgumentException("at least one degradation type is required");
            }
            this.degradations = EnumSet.copyOf(types);
            return this;
        }

        /** Convenience for {@link #degradations(Collection)}. */
        public Builder degradations(Degradation first, Degradation... more) {
            return degradations(EnumSet.of(first, more));
        }

        /** Discrete severity levels in (0, 1], drawn uniformly; default {0.3, 0.6, 1.0}. Replaces a range. */
        public Builder severityLevels(double... severities) {
            Objects.requireNonNull(severities, "severity levels");
            if (severities.length == 0) {
                throw new IllegalArgumentException("at least one severity level is required");
            }
            for (double s : severities) {
                Degradation.checkSeverity(s);
            }
            this.levels = severities.clone();
            this.minSeverity = Double.NaN;
            this.maxSeverity = Double.NaN;
            return this;
        }

        /** Continuous severities drawn uniformly from [min, max] within [0, 1]. Replaces discrete levels. */
        public Builder severityRange(double min, double max) {
            Degradation.checkSeverity(min);
            Degradation.checkSeverity(max);
            if (min > max) {
                throw new IllegalArgumentException("severity range minimum " + min + " exceeds maximum " + max);
            }
            this.levels = null;
            this.minSeverity = min;
            this.maxSeverity = max;
            return this;
        }

        /** Seed for the choice of images, degradations, severities and noise; default 42. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public DegradationPlan build() {
            return new DegradationPlan(this);
        }
    }
}
