package io.embedstream.model.data.photo;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of a photo-like dataset on the command line: {@code photos} alone, or
 * {@code photos:key=value,...} with any of
 * <ul>
 *   <li>{@code classes=N}: 2..{@value PhotoObjects#MAX_CLASSES}, default {@value PhotoObjects#DEFAULT_CLASSES};</li>
 *   <li>{@code size=N} or {@code size=WxH}: sides {@value PhotoObjects#MIN_SIDE}..{@value PhotoObjects#MAX_SIDE},
 *       default 64;</li>
 *   <li>{@code train=N}, {@code test=N}: image counts, default {@value #DEFAULT_TRAIN_PER_CLASS} and
 *       {@value #DEFAULT_TEST_PER_CLASS} per class;</li>
 *   <li>{@code seed=N}: default 42.</li>
 * </ul>
 * The key=value list is the form the learning-rate schedules use ({@code cosine:warmup=20,min=0}), chosen over
 * {@code synthetic}'s positional colons because five optional settings cannot be told apart by position.
 *
 * @param classes number of classes
 * @param width   image width
 * @param height  image height
 * @param train   train split size
 * @param test    test split size (its indices continue after the train split's, so no image is in both)
 * @param seed    generator seed
 */
public record PhotoSpec(int classes, int width, int height, int train, int test, long seed) {
    public static final int DEFAULT_TRAIN_PER_CLASS = 50;
    public static final int DEFAULT_TEST_PER_CLASS = 10;
    public static final String FORM = "'photos' or 'photos:classes=N,size=N|WxH,train=N,test=N,seed=N' (any subset)";

    public PhotoSpec {
        // The builder checks classes and size with the sentence a user sees.
        PhotoObjects.builder().numClasses(classes).size(width, height);
        if (train < 0 || test < 0 || train + test == 0) {
            throw new IllegalArgumentException("photos train/test counts must be >= 0 and not both 0, got train="
                    + train + ", test=" + test);
        }
    }

    /** The defaults: {@value PhotoObjects#DEFAULT_CLASSES} classes, 64x64, 50 train and 10 test images a class, seed 42. */
    public static PhotoSpec defaults() {
        int classes = PhotoObjects.DEFAULT_CLASSES;
        return new PhotoSpec(classes, 64, 64, DEFAULT_TRAIN_PER_CLASS * classes, DEFAULT_TEST_PER_CLASS * classes, 42L);
    }

    /**
     * Parses the part after {@code photos:} ({@code classes=120,size=64}); an empty string gives the defaults.
     *
     * @throws IllegalArgumentException naming the offending option, for an unknown key, a repeated key, a value that
     *                                  is not a number, or a number out of range
     */
    public static PhotoSpec parse(String options) {
        Objects.requireNonNull(options, "options");
        Map<String, String> given = new LinkedHashMap<>();
        if (!options.isBlank()) {
            for (String option : options.split(",", -1)) {
                String[] kv = option.split("=", 2);
                if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                    throw new IllegalArgumentException("photos option '" + option + "' is not key=value; " + FORM);
                }
                String key = kv[0].trim().toLowerCase(Locale.ROOT);
                if (!key.matches("classes|size|train|test|seed")) {
                    throw new IllegalArgumentException("unknown photos option '" + kv[0].trim()
                            + "'; the options are classes, size, train, test and seed");
                }
                if (given.put(key, kv[1].trim()) != null) {
                    throw new IllegalArgumentException("photos option '" + key + "' is given twice");
                }
            }
        }
        int classes = (int) number(given, "classes", PhotoObjects.DEFAULT_CLASSES);
        int[] size = size(given.getOrDefault("size", "64"));
        int train = (int) number(given, "train", (long) DEFAULT_TRAIN_PER_CLASS * classes);
        int test = (int) number(given, "test", (long) DEFAULT_TEST_PER_CLASS * classes);
        long seed = number(given, "seed", 42L);
        return new PhotoSpec(classes, size[0], size[1], train, test, seed);
    }

    /** This specification with another seed. */
    public PhotoSpec withSeed(long newSeed) {
        return new PhotoSpec(classes, width, height, train, test, newSeed);
    }

    /** The generator of this specification; train images are 0..train-1, test images train..train+test-1. */
    public PhotoObjects generator() {
        return PhotoObjects.builder().numClasses(classes).size(width, height).seed(seed).build();
    }

    /** A name for reports: {@code photos-120c-64x64-42}. */
    public String name() {
        return "photos-" + classes + "c-" + width + "x" + height + "-" + seed;
    }

    private static long number(Map<String, String> given, String key, long fallback) {
        String text = given.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text);
            if (!key.equals("seed") && (value < 0 || value > Integer.MAX_VALUE)) {
                throw new IllegalArgumentException("photos option " + key + "=" + text + " is out of range");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("photos option " + key + "=" + text + " is not an integer", e);
        }
    }

    private static int[] size(String text) {
        String[] sides = text.toLowerCase(Locale.ROOT).split("x", -1);
        try {
            if (sides.length == 1) {
                int side = Integer.parseInt(sides[0]);
                return new int[] {side, side};
            }
            if (sides.length == 2) {
                return new int[] {Integer.parseInt(sides[0]), Integer.parseInt(sides[1])};
            }
        } catch (NumberFormatException e) {
            // falls through to the sentence below
        }
        throw new IllegalArgumentException("photos option size=" + text + " is not N or WxH (e.g. 64 or 96x64)");
    }
}
