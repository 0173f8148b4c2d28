package io.embedstream.model.data;

import io.embedstream.types.LabeledImage;
import java.util.Objects;

/**
 * An image together with the degradation that was applied to it and at which severity, so that experiments can
 * report results per degradation level. A clean image has {@code degradation == null} and severity 0.
 */
public record DegradedImage(LabeledImage image, Degradation degradation, double severity) {

    public DegradedImage {
        Objects.requireNonNull(image, "image");
        Degradation.checkSeverity(severity);
        if (degradation == null && severity != 0.0) {
            throw new IllegalArgumentException("a clean image (no degradation) must have severity 0, got " + severity);
        }
    }

    /** A clean (undegraded) image. */
    public static DegradedImage clean(LabeledImage image) {
        return new DegradedImage(image, null, 0.0);
    }

    /** Whether no degradation was applied. A degradation at severity 0 also counts as clean. */
    public boolean isClean() {
        return degradation == null || severity == 0.0;
    }

    /** A short label for reports: {@code clean} or e.g. {@code BLUR@0.50}. */
    public String levelName() {
        return isClean() ? "clean" : String.format(java.util.Locale.ROOT, "%s@%.2f", degradation, severity);
    }
}
