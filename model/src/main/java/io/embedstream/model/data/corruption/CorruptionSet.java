package io.embedstream.model.data.corruption;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The corruption kinds an evaluation runs, in {@link Corruption} order; empty means none (the evaluation as it
 * was before corruptions existed).
 */
public record CorruptionSet(List<Corruption> kinds) {
    public static final CorruptionSet NONE = new CorruptionSet(List.of());

    public CorruptionSet {
        Objects.requireNonNull(kinds, "kinds");
        EnumSet<Corruption> set = kinds.isEmpty() ? EnumSet.noneOf(Corruption.class) : EnumSet.copyOf(kinds);
        kinds = List.copyOf(set);
    }

    /**
     * {@code none}, {@code all}, or kind names separated by commas (see {@link Corruption#cliName()}).
     *
     * @throws IllegalArgumentException naming the value that is not a kind, a repeated kind or an empty list
     */
    public static CorruptionSet parse(String spec) {
        Objects.requireNonNull(spec, "corruption spec");
        String s = spec.trim();
        if (s.equalsIgnoreCase("none")) {
            return NONE;
        }
        if (s.equalsIgnoreCase("all")) {
            return new CorruptionSet(List.of(Corruption.values()));
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("--corruptions is empty; give none, all or kinds from "
                    + names(List.of(Corruption.values())));
        }
        List<Corruption> kinds = new ArrayList<>();
        for (String part : s.split(",", -1)) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("--corruptions '" + spec + "' has an empty entry; give none, all"
                        + " or kinds from " + names(List.of(Corruption.values())) + " separated by commas");
            }
            if (part.trim().equalsIgnoreCase("all") || part.trim().equalsIgnoreCase("none")) {
                throw new IllegalArgumentException("--corruptions '" + spec + "' combines " + part.trim()
                        + " with other entries; all and none stand alone");
            }
            Corruption c = Corruption.parse(part);
            if (kinds.contains(c)) {
                throw new IllegalArgumentException("--corruptions '" + spec + "' names " + c.cliName() + " twice");
            }
            kinds.add(c);
        }
        return new CorruptionSet(kinds);
    }

    public boolean isEmpty() {
        return kinds.isEmpty();
    }

    static String names(List<Corruption> kinds) {
        return kinds.stream().map(Corruption::cliName).collect(Collectors.joining(", "));
    }
}
