package io.embedstream.model.train;

import java.util.Locale;

/**
 * How the CM class-weight row of a class first seen mid-stream starts.
 *
 * <ul>
 *   <li>{@link #IMPRINT}: the L2-normalised mean of the normalised embeddings of the class's images in the batch
 *       where it first appears ("weight imprinting", Qi et al., 2018), scaled to the mean norm of the rows already
 *       in use, so that it is as large as its neighbours for the optimiser and the weight decay;</li>
 *   <li>{@link #XAVIER}: random, Xavier-uniform with the bound of the initial matrix, drawn from a generator of the
 *       seed and the class index (so it needs no state of its own and does not move the trainer's generator).</li>
 * </ul>
 *
 * A class that becomes part of the softmax without images in that batch (an index skipped by an integer label)
 * starts at random under either.
 */
public enum ClassInit {
    IMPRINT, XAVIER;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ClassInit parse(String name) {
        for (ClassInit c : values()) {
            if (c.cliName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown class initialisation '" + name + "'; expected imprint or xavier");
    }
}
