package io.embedstream.pipeline.cli;

import io.embedstream.types.FitMode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code folder:DIR[,size=N|WxH][,channels=1|3][,test=SHARE][,fit=stretch|crop]} dataset specification.
 * Defaults: 64x64, 3 channels, a test share of {@value #DEFAULT_TEST_SHARE}, stretch. The directory is everything
 * between {@code folder:} and the first comma, so it cannot itself contain a comma.
 *
 * @param directory one sub-folder per label
 * @param width     width every image is fitted to
 * @param height    height every image is fitted to
 * @param channels  1 (gray) or 3 (RGB)
 * @param testShare share of the files held out as the test split, in (0, 1)
 * @param fitMode   how an image of another aspect ratio is fitted
 */
public record FolderSpec(Path directory, int width, int height, int channels, double testShare, FitMode fitMode) {
    public static final String PREFIX = "folder:";
    public static final double DEFAULT_TEST_SHARE = 0.2;
    public static final String FORM = "'folder:DIR[,size=N|WxH][,channels=1|3][,test=SHARE][,fit=stretch|crop]'";
    static final int MAX_SIDE = 4096;

    public FolderSpec {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fitMode, "fit mode");
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
            throw new IllegalArgumentException("folder image size must be in [1, " + MAX_SIDE + "] per side, got "
                    + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("folder channels must be 1 or 3, got " + channels);
        }
        if (!(testShare > 0 && testShare < 1)) {
            throw new IllegalArgumentException("folder test share must be between 0 and 1 (exclusive), got "
                    + testShare + "; fit and eval need both splits");
        }
    }

    /** Whether {@code spec} is a folder specification. */
    public static boolean matches(String spec) {
        return spec.trim().startsWith(PREFIX);
    }

    /** Parses a {@code folder:...} specification; errors name the offending part. */
    public static FolderSpec parse(String spec) {
        String body = spec.trim().substring(PREFIX.length());
        String[] parts = body.split(",", -1);
        if (parts[0].isBlank()) {
            throw new IllegalArgumentException("dataset spec '" + spec + "' names no directory; " + FORM);
        }
        int width = 64;
        int height = 64;
        int channels = 3;
        double test = DEFAULT_TEST_SHARE;
        FitMode fit = FitMode.STRETCH;
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            String key = kv[0].trim().toLowerCase(Locale.ROOT);
            if (kv.length != 2 || kv[1].isBlank()) {
                throw new IllegalArgumentException("folder option '" + parts[i] + "' is not key=value; " + FORM);
            }
            if (!seen.add(key)) {
                throw new IllegalArgumentException("folder option '" + key + "' is given twice");
            }
            String value = kv[1].trim();
            try {
                switch (key) {
                    case "size" -> {
                        String[] sides = value.toLowerCase(Locale.ROOT).split("x", -1);
                        if (sides.length > 2) {
                            throw new NumberFormatException(value);
                        }
                        width = Integer.parseInt(sides[0]);
                        height = sides.length == 2 ? Integer.parseInt(sides[1]) : width;
                    }
                    case "channels" -> channels = Integer.parseInt(value);
                    case "test" -> test = Double.parseDouble(value);
                    case "fit" -> fit = FitMode.parse(value);
                    default -> throw new IllegalArgumentException("unknown folder option '" + kv[0].trim()
                            + "'; the options are size, channels, test and fit");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("folder option " + key + "=" + value + " is not a number"
                        + (key.equals("size") ? " or WxH" : ""), e);
            }
        }
        return new FolderSpec(Path.of(parts[0]), width, height, channels, test, fit);
    }
}
