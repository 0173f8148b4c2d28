package io.embedstream.model.train;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The learning rate as a function of the number of updates already applied (0 for the first update). */
public sealed interface LearningRateSchedule extends java.io.Serializable {

    float at(long step);

    /** The same rate at every step. */
    record Constant(float rate) implements LearningRateSchedule {
        public Constant {
            requirePositive(rate);
        }

        @Override
        public float at(long step) {
            return rate;
        }
    }

    /** rate * gamma^(step / every). */
    record StepDecay(float rate, long every, float gamma) implements LearningRateSchedule {
        public StepDecay {
            requirePositive(rate);
            if (every <= 0 || !(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("step schedule needs every > 0 and gamma in (0, 1], got "
                        + every + ", " + gamma);
            }
        }

        @Override
        public float at(long step) {
            return (float) (rate * Math.pow(gamma, step / every));
        }
    }

    /** Linear warm-up from 0 over {@code warmup} steps, then cosine decay to {@code minRate} at {@code total}. */
    record CosineWarmup(float rate, long warmup, long total, float minRate) implements LearningRateSchedule {
        public CosineWarmup {
            requirePositive(rate);
            if (warmup < 0 || total <= warmup || !(minRate >= 0 && minRate <= rate)) {
                throw new IllegalArgumentException("cosine schedule needs 0 <= warmup < total and 0 <= min <= rate, got"
                        + " warmup " + warmup + ", total " + total + ", min " + minRate);
            }
        }

        @Override
        public float at(long step) {
            if (step < warmup) {
                return rate * (step + 1) / (float) warmup;
            }
            double progress = Math.min(1.0, (step - warmup) / (double) (total - warmup));
            return (float) (minRate + 0.5 * (rate - minRate) * (1 + Math.cos(Math.PI * progress)));
        }
    }

    private static void requirePositive(float rate) {
        if (!(rate > 0) || !Float.isFinite(rate)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + rate);
        }
    }

    /**
     * Parses {@code constant}, {@code step:every=1000,gamma=0.5} or {@code cosine:warmup=100[,min=0]} with the
     * given base rate; {@code totalSteps} is the end of the cosine.
     */
    static LearningRateSchedule parse(String spec, float rate, long totalSteps) {
        String[] parts = spec.trim().split(":", 2);
        Map<String, String> options = new HashMap<>();
        if (parts.length == 2 && !parts[1].isBlank()) {
            for (String option : parts[1].split(",")) {
                String[] kv = option.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("schedule option '" + option + "' is not key=value");
                }
                options.put(kv[0].trim(), kv[1].trim());
            }
        }
        return switch (parts[0].toLowerCase(Locale.ROOT)) {
            case "constant" -> new Constant(rate);
            case "step" -> new StepDecay(rate, Long.parseLong(options.getOrDefault("every", "1000")),
                    Float.parseFloat(options.getOrDefault("gamma", "0.5")));
            case "cosine" -> new CosineWarmup(rate, Long.parseLong(options.getOrDefault("warmup", "0")),
                    Math.max(totalSteps, Long.parseLong(options.getOrDefault("warmup", "0")) + 1),
                    Float.parseFloat(options.getOrDefault("min", "0")));
            default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + spec
                    + "'; expected constant, step[:every=N,gamma=G] or cosine[:warmup=N,min=R]");
        };
    }
}
