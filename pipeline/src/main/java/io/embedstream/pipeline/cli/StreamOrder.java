package io.embedstream.pipeline.cli;

import java.util.Locale;

/** The order in which a replayed dataset's images are sent within a pass (the commands' {@code --order}). */
public enum StreamOrder {
    /** A fresh permutation per pass, drawn from the seed, as {@code fit} shuffles each epoch. */
    SHUFFLED,
    /** The dataset's stored order, every pass the same. */
    STORED;

    /**
     * The order a command line names.
     *
     * @param option the option's name, for the error
     * @param name   {@code shuffled} or {@code stored}
     * @throws IllegalArgumentException naming the option and the value when it is neither
     */
    public static StreamOrder parse(String option, String name) {
        for (StreamOrder o : values()) {
            if (o.name().equalsIgnoreCase(name)) {
                return o;
            }
        }
        throw new IllegalArgumentException(option + " must be shuffled or stored, got '" + name + "'");
    }

    /** The command-line name. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
