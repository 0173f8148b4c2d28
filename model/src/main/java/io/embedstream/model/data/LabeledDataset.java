package io.embedstream.model.data;

import io.embedstream.types.LabeledImage;
import java.util.List;
import java.util.Objects;

/**
 * A named train/test pair of labeled images that all share one shape (width x height x channels), with labels in
 * [0, numClasses). The lists are copied into unmodifiable lists.
 */
public record LabeledDataset(String name, List<LabeledImage> train, List<LabeledImage> test, int numClasses,
                             int width, int height, int channels) {

    public LabeledDataset {
        Objects.requireNonNull(name, "name");
        train = List.copyOf(train);
        test = List.copyOf(test);
        if (numClasses < 1) {
            throw new IllegalArgumentException("number of classes must be >= 1, got " + numClasses);
        }
        check(train, "train", numClasses, width, height, channels);
        check(test, "test", numClasses, width, height, channels);
    }

    /** Builds a dataset whose class count is max label + 1 and whose shape is that of the first image. */
    public static LabeledDataset of(String name, List<LabeledImage> train, List<LabeledImage> test) {
        LabeledImage first = !train.isEmpty() ? train.get(0) : (!test.isEmpty() ? test.get(0) : null);
        if (first == null) {
            throw new IllegalArgumentException("dataset " + name + " has no images in either split");
        }
        int maxLabel = 0;
        for (LabeledImage im : train) {
            maxLabel = Math.max(maxLabel, im.label());
        }
        for (LabeledImage im : test) {
            maxLabel = Math.max(maxLabel, im.label());
        }
        return new LabeledDataset(name, train, test, maxLabel + 1, first.width(), first.height(), first.channels());
    }

    /**
     * A dataset for choosing settings without looking at the test split: {@code size} images drawn from the train
     * split (a seeded shuffle, so the same seed gives the same split) become the test split, the rest stay the
     * train split. The original test split is not used.
     */
    public LabeledDataset validationSplit(int size, long seed) {
        if (size < 1 || size >= train.size()) {
            throw new IllegalArgumentException("validation split of " + size + " images needs 1 <= size < "
                    + train.size() + " (the train split's size)");
        }
        List<LabeledImage> shuffled = new java.util.ArrayList<>(train);
        java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
        List<LabeledImage> validation = shuffled.subList(0, size);
        java.util.Set<LabeledImage> held = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        held.addAll(validation);
        // The rest keeps the train split's order, which the training stream follows.
        List<LabeledImage> rest = train.stream().filter(im -> !held.contains(im)).toList();
        return new LabeledDataset(name + "/validation", rest, validation, numClasses, width, height, channels);
    }

    private static void check(List<LabeledImage> images, String split, int numClasses, int w, int h, int c) {
        for (LabeledImage im : images) {
            if (im.width() != w || im.height() != h || im.channels() != c) {
                throw new IllegalArgumentException(split + " image " + im.id() + " is " + im.width() + "x"
                        + im.height() + "x" + im.channels() + ", dataset shape is " + w + "x" + h + "x" + c);
            }
            if (im.label() < 0 || im.label() >= numClasses) {
                throw new IllegalArgumentException(split + " image " + im.id() + " has label " + im.label()
                        + " outside [0, " + numClasses + ")");
            }
        }
    }

    @Override
    public String toString() {
        return "LabeledDataset[" + name + ": " + train.size() + " train / " + test.size() + " test, "
                + numClasses + " classes, " + width + "x" + height + "x" + channels + "]";
    }
}
