package io.embedstream.pipeline.cli;

import io.embedstream.model.data.DegradationPlan;
import io.embedstream.model.data.DegradedImage;
import io.embedstream.model.random.Rng;
import io.embedstream.types.LabeledImage;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A stream of {@code count} images cycling through a dataset's images, each pass with a fresh seed for which
 * share of images is degraded (blur, noise, JPEG, low contrast, downscale at severities 0.3/0.6/1.0), and each
 * image given an id unique over the whole stream.
 *
 * <p>{@link StreamOrder#SHUFFLED} sends each pass in a fresh order drawn from the seed, as {@code fit} shuffles each epoch:
 * sent in the stored order every pass, the batcher would cut much the same class groups pass after pass, a
 * repetition no live stream has.
 */
final class ImageStream implements Iterator<LabeledImage> {
    private static final long ORDER_SALT = 0x6F72646572L; // "order": the permutation's draws apart from the degradations'

    private final List<LabeledImage> source;
    private final long count;
    private final double degradedShare;
    private final long seed;
    private final StreamOrder order;
    private List<DegradedImage> pass;
    private int[] permutation;
    private long produced;

    ImageStream(List<LabeledImage> source, long count, double degradedShare, long seed) {
        this(source, count, degradedShare, seed, StreamOrder.SHUFFLED);
    }

    ImageStream(List<LabeledImage> source, long count, double degradedShare, long seed, StreamOrder order) {
        if (source.isEmpty()) {
            throw new IllegalArgumentException("the dataset has no images to stream");
        }
        this.source = source;
        this.count = count;
        this.degradedShare = degradedShare;
        this.seed = seed;
        this.order = java.util.Objects.requireNonNull(order, "order");
    }

    @Override
    public boolean hasNext() {
        return produced < count;
    }

    @Override
    public LabeledImage next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int index = (int) (produced % source.size());
        if (index == 0) {
            long passNumber = produced / source.size();
            pass = DegradationPlan.builder().degradedShare(degradedShare).seed(seed + passNumber).build().apply(source);
            permutation = order == StreamOrder.SHUFFLED ? new Rng(Rng.mix(seed ^ ORDER_SALT) + passNumber)
                    .permutation(source.size()) : null;
        }
        LabeledImage image = pass.get(permutation == null ? index : permutation[index]).image();
        produced++;
        return new LabeledImage(image.id() + "-" + produced, image.label(), image.width(), image.height(),
                image.channels(), image.pixels());
    }
}
