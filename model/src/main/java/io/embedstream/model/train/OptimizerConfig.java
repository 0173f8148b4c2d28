package io.embedstream.model.train;

import io.embedstream.model.net.NamedArray;
import java.util.List;
import java.util.Locale;

/**
 * Which optimiser and its hyper-parameters (the learning rate comes from the {@link LearningRateSchedule}).
 *
 * <p>Defaults: SGD, momentum 0.9, weight decay 5e-4 (the CM paper's MNIST settings); for AdamW
 * beta1 0.9, beta2 0.999, epsilon 1e-8; decay on every trainable tensor ({@link DecayOn#ALL}).
 *
 * @param decayOn which tensors weight decay applies to
 */
public record OptimizerConfig(Type type, float momentum, float weightDecay, float beta1, float beta2, float epsilon,
                              DecayOn decayOn) implements java.io.Serializable {

    public enum Type {
        SGD, ADAMW;

        public static Type parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown optimizer '" + name + "'; expected sgd or adamw", e);
            }
        }
    }

    public OptimizerConfig {
        if (type == null || decayOn == null) {
            throw new IllegalArgumentException("optimizer type and decay-on must be set");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("AdamW needs beta1, beta2 in [0, 1) and epsilon > 0, got "
                    + beta1 + ", " + beta2 + ", " + epsilon);
        }
    }

    public static OptimizerConfig sgd(float momentum, float weightDecay) {
        return new OptimizerConfig(Type.SGD, momentum, weightDecay, 0.9f, 0.999f, 1e-8f, DecayOn.ALL);
    }

    public static OptimizerConfig adamw(float weightDecay) {
        return new OptimizerConfig(Type.ADAMW, 0.9f, weightDecay, 0.9f, 0.999f, 1e-8f, DecayOn.ALL);
    }

    /** This configuration with weight decay on {@code scope}. */
    public OptimizerConfig withDecayOn(DecayOn scope) {
        return new OptimizerConfig(type, momentum, weightDecay, beta1, beta2, epsilon, scope);
    }

    public static OptimizerConfig defaults() {
        return sgd(0.9f, 5e-4f);
    }

    Optimizer create(List<NamedArray> parameters) {
        return switch (type) {
            case SGD -> new SgdMomentum(parameters, momentum, weightDecay, decayOn);
            case ADAMW -> new AdamW(parameters, beta1, beta2, epsilon, weightDecay, decayOn);
        };
    }
}
