package io.embedstream.experiments.drift;

import java.util.Locale;

/** How the stream changes at the switch. */
public enum DriftScenario {
    /** Every window after the switch is drawn from the new distribution. */
    ABRUPT,
    /**
     * A linear mix over G windows: window k after the switch (k = 0, 1, ...) holds a share min(1, (k + 1) / G) of
     * rows from the new distribution, the rest from the old one.
     */
    GRADUAL,
    /** Same distribution given the class, new class mix: a share of the rows on a few classes. */
    LABEL_SHIFT;

    /** The name in files and on the command line: abrupt, gradual, label_shift. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses abrupt, gradual, label_shift (any case, - or _). */
    public static DriftScenario parse(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (DriftScenario s : values()) {
            if (s.name().equals(v)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + value + "'; expected abrupt, gradual or label_shift");
    }
}
