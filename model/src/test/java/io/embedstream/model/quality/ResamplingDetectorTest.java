package io.embedstream.model.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.data.Degradation;
import io.embedstream.model.data.photo.PhotoObjects;
import io.embedstream.types.LabeledImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The downscale factor read off the interpolation trace: found, on both sides of the alias at 2, for photos that
 * were shrunk and enlarged back, and absent from nearly all clean ones.
 */
class ResamplingDetectorTest {
    private static final int SIDE = 128;
    private static final List<LabeledImage> PHOTOS = PhotoObjects.builder().size(SIDE, SIDE).seed(3).build()
            .images(0, 24);
    private final QualityEstimator estimator = QualityEstimator.defaults();

    @Test
    void readsTheFactorOnBothSidesOfTheAlias() {
        // Severity 0.2 shrinks 128 px to 85 (factor 1.506), 0.8 to 43 (2.977): both put the peak near 1/3.
        assertFactor(0.2, 128.0 / 85);
        assertFactor(0.8, 128.0 / 43);
    }

    @Test
    void cleanPhotosShowNoTrace() {
        int found = 0;
        for (LabeledImage photo : PHOTOS) {
            if (estimator.estimate(photo).downscaleFactor() != ResamplingDetector.NONE) {
                found++;
            }
        }
        // Periodic backdrops (grain, tiles) can make a peak on both axes now and then.
        assertTrue(found <= 2, found + " of " + PHOTOS.size() + " clean photos show a resampling trace");
    }

    @Test
    void smallImagesAreNotSearched() {
        LabeledImage small = PhotoObjects.builder().size(40, 40).seed(3).build().image(0);
        LabeledImage shrunk = Degradation.DOWNSCALE.apply(small, 0.8, new Random(1));
        assertEquals(ResamplingDetector.NONE, estimator.estimate(shrunk).downscaleFactor());
    }

    private void assertFactor(double severity, double factor) {
        int right = 0;
        for (LabeledImage photo : PHOTOS) {
            double found = estimator.estimate(Degradation.DOWNSCALE.apply(photo, severity, new Random(1)))
                    .downscaleFactor();
            if (Math.abs(found - factor) < 0.05 * factor) {
                right++;
            }
        }
        assertTrue(right >= PHOTOS.size() * 3 / 4, "factor " + factor + " read on " + right + " of " + PHOTOS.size());
    }
}
