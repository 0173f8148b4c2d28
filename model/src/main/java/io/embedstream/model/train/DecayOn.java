package io.embedstream.model.train;

import ai.djl.ndarray.types.Shape;
import java.util.Locale;

/**
 * Which trainable tensors weight decay pulls towards zero: {@link #ALL} of them, or only the {@link #MATRICES}
 * (convolution kernels, linear weights and the class weights, every tensor of two or more dimensions), leaving
 * biases, PReLU slopes and batch-norm gamma and beta undecayed, as most PyTorch recipes do.
 */
public enum DecayOn {
    ALL, MATRICES;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a trainable tensor of this shape is decayed. */
    public boolean decays(Shape shape) {
        return this == ALL || shape.dimension() >= 2;
    }

    public static DecayOn parse(String name) {
        for (DecayOn d : values()) {
            if (d.cliName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown --decay-on '" + name + "'; expected all or matrices");
    }
}
