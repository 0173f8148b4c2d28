package io.embedstream.model.data;

import io.embedstream.model.data.photo.PhotoObjects;
import io.embedstream.model.data.photo.PhotoSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A parsed command-line dataset specification. Accepted forms:
 * <ul>
 *   <li>{@code synthetic}: {@link SyntheticShapes} 28x28 gray, 10 classes, {@value #DEFAULT_TRAIN} train and
 *       {@value #DEFAULT_TEST} test images, seed {@value #DEFAULT_SEED};</li>
 *   <li>{@code synthetic:TRAIN:TEST}: the same with the given counts;</li>
 *   <li>{@code synthetic:TRAIN:TEST:SEED}: the same with the given seed;</li>
 *   <li>{@code idx:DIR}: an IDX directory read by {@link IdxReader#readDirectory(Path)};</li>
 *   <li>{@code photos} or {@code photos:classes=N,size=N|WxH,train=N,test=N,seed=N}: the photo-like RGB set of
 *       {@link io.embedstream.model.data.photo.PhotoObjects}, options as {@link PhotoSpec} describes.</li>
 * </ul>
 * The synthetic test split continues the generator's index sequence after the train split, so the two never share
 * an image. The seed can also be set with {@link #withSeed(long)} (it is ignored for {@code idx}).
 *
 * @param kind     which source
 * @param train    synthetic train count (0 for idx)
 * @param test     synthetic test count (0 for idx)
 * @param seed     synthetic seed
 * @param directory IDX directory (null for synthetic)
 * @param photos   the photo-like set's settings (null unless {@link Kind#PHOTOS}); its counts and seed are also
 *                 {@code train}, {@code test} and {@code seed}
 */
public record DatasetSpec(Kind kind, int train, int test, long seed, Path directory, PhotoSpec photos) {
    public static final int DEFAULT_TRAIN = 8000;
    public static final int DEFAULT_TEST = 2000;
    public static final long DEFAULT_SEED = 42L;

    static final String ACCEPTED = "accepted forms: 'synthetic', 'synthetic:TRAIN:TEST', "
            + "'synthetic:TRAIN:TEST:SEED' (counts as non-negative integers), 'idx:DIR', " + PhotoSpec.FORM;

    /** The source of a dataset. */
    public enum Kind { SYNTHETIC, IDX, PHOTOS }

    public DatasetSpec {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.IDX) {
            Objects.requireNonNull(directory, "IDX directory");
        } else if (kind == Kind.PHOTOS) {
            Objects.requireNonNull(photos, "photo settings");
        } else if (train < 0 || test < 0 || train + test == 0) {
            throw new IllegalArgumentException("synthetic train/test counts must be >= 0 and not both 0, got "
                    + train + ":" + test);
        }
    }

    /** A synthetic or IDX specification (no photo settings). */
    public DatasetSpec(Kind kind, int train, int test, long seed, Path directory) {
        this(kind, train, test, seed, directory, null);
    }

    private static DatasetSpec photos(PhotoSpec p) {
        return new DatasetSpec(Kind.PHOTOS, p.train(), p.test(), p.seed(), null, p);
    }

    /** Parses a specification; see the class comment for the forms. */
    public static DatasetSpec parse(String spec) {
        Objects.requireNonNull(spec, "dataset spec");
        String s = spec.trim();
        if (s.equals("synthetic")) {
            return new DatasetSpec(Kind.SYNTHETIC, DEFAULT_TRAIN, DEFAULT_TEST, DEFAULT_SEED, null);
        }
        if (s.startsWith("synthetic:")) {
            String[] parts = s.split(":", -1);
            if (parts.length != 3 && parts.length != 4) {
                throw new IllegalArgumentException("malformed dataset spec '" + spec + "'; " + ACCEPTED);
            }
            try {
                int train = Integer.parseInt(parts[1]);
                int test = Integer.parseInt(parts[2]);
                long seed = parts.length == 4 ? Long.parseLong(parts[3]) : DEFAULT_SEED;
                return new DatasetSpec(Kind.SYNTHETIC, train, test, seed, null);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("malformed number in dataset spec '" + spec + "'; " + ACCEPTED, e);
            }
        }
        if (s.startsWith("idx:")) {
            String dir = s.substring("idx:".length());
            if (dir.isEmpty()) {
                throw new IllegalArgumentException("dataset spec '" + spec + "' names no directory; " + ACCEPTED);
            }
            return new DatasetSpec(Kind.IDX, 0, 0, DEFAULT_SEED, Path.of(dir));
        }
        if (s.equals("photos")) {
            return photos(PhotoSpec.defaults());
        }
        if (s.startsWith("photos:")) {
            return photos(PhotoSpec.parse(s.substring("photos:".length())));
        }
        throw new IllegalArgumentException("unknown dataset spec '" + spec + "'; " + ACCEPTED);
    }

    /** Parses and loads in one step. */
    public static LabeledDataset load(String spec) throws IOException {
        return parse(spec).load();
    }

    /** Parses and loads with the given synthetic seed (overriding one in the spec; ignored for {@code idx}). */
    public static LabeledDataset load(String spec, long seed) throws IOException {
        return parse(spec).withSeed(seed).load();
    }

    /** This specification with another synthetic seed. */
    public DatasetSpec withSeed(long newSeed) {
        if (kind == Kind.PHOTOS) {
            return photos(photos.withSeed(newSeed));
        }
        return new DatasetSpec(kind, train, test, newSeed, directory);
    }

    /** Loads (reads or generates) the dataset. */
    public LabeledDataset load() throws IOException {
        if (kind == Kind.IDX) {
            return IdxReader.readDirectory(directory);
        }
        if (kind == Kind.PHOTOS) {
            // Built here, not in the photo package, so that data.photo does not depend back on data.
            PhotoObjects gen = photos.generator();
            return new LabeledDataset(photos.name(), gen.images(0, photos.train()), gen.images(photos.train(),
                    photos.test()), photos.classes(), photos.width(), photos.height(), 3);
        }
        SyntheticShapes gen = SyntheticShapes.builder().seed(seed).build();
        var trainImages = gen.generate(train);
        var testImages = gen.generate(test);
        return new LabeledDataset("synthetic-" + seed, trainImages, testImages, gen.numClasses(),
                gen.width(), gen.height(), gen.channels());
    }
}
