/**
 * No-reference image quality: {@link io.embedstream.model.quality.QualityEstimator} turns one image into a
 * {@link io.embedstream.model.quality.QualityReport} of raw measures (blur, noise, contrast, exposure, JPEG
 * blockiness), their sub-scores and a combined score q in [0, 1], 1 = clean. Plain Java, no dependencies.
 */
package io.embedstream.model.quality;
