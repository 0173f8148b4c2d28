package io.embedstream.pipeline.cli;

import io.embedstream.model.data.DegradationPlan;
import io.embedstream.model.data.DegradedImage;
import io.embedstream.types.LabeledImage;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A stream of {@code count} images cycling through a dataset's images, each pass with a fresh seed for which
 * share of images is degraded (blur, noise, JPEG, low contrast, downscale at severities 0.3/0.6/1.0), and each
 * image given an id unique over the whole stream.
 */
final class ImageStream implements Iterator<LabeledImage> {
    private final List<LabeledImage> source;
    private final long count;
    private final double degradedShare;
    private final long seed;
    private List<DegradedImage> pass;
    private long produced;

    ImageStream(List<LabeledImage> source, long count, double degradedShare, long seed) {
        if (source.isEmpty()) {
            throw new IllegalArgumentException("the dataset has no images to stream");
        }
        this.source = source;
        this.count = count;
        this.degradedShare = degradedShare;
        this.seed = seed;
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
        }
        LabeledImage image = pass.get(index).image();
        produced++;
        return new LabeledImage(image.id() + "-" + produced, image.label(), image.width(), image.height(),
                image.channels(), image.pixels());
    }
}
