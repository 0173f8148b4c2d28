package io.embedstream.model.quality;

/**
 * The no-reference quality of one image: every raw measure that {@link QualityEstimator} computed, the sub-score
 * each was mapped to, and the combined score {@code q} (the product of the sub-scores, 1 = clean).
 * All values are finite.
 *
 * @param laplacianVariance variance of the 4-neighbour Laplacian of the luminance (grey levels squared); the
 *                          classic blur measure, kept for reference; it mixes blur with contrast and with the
 *                          amount of edges, so the blur sub-score uses {@code edgeWidth} instead
 * @param edgeWidth         typical edge width in pixels: tonal range over the gradient-weighted mean gradient
 *                          magnitude; about 2 for crisp anti-aliased edges, growing with blur; 0 without edges
 * @param noiseSigma        Immerkaer's (1996) fast noise sigma estimate in grey levels (mean absolute response)
 * @param noiseSigmaRobust  the same operator's median absolute response scaled to a Gaussian sigma, which ignores
 *                          edges as long as they cover less than half the image; used for the noise sub-score
 * @param rmsContrast       standard deviation of the luminance divided by 255, in [0, 0.5]
 * @param tonalRange        (99th - 1st percentile of the luminance) / 255, in [0, 1]
 * @param channelRange      the largest (99th - 1st percentile) / 255 of the three colour channels (the tonal
 *                          range for grey images), in [0, 1]: a red object on a green ground can have little
 *                          luminance contrast and plenty of colour contrast, and a contrast loss shrinks every
 *                          channel's range alike; the contrast sub-score uses it normalised for exposure
 * @param normalisedRange   above 28 px, the largest of the colour channels' ranges (the tonal range for grey)
 *                          times (76.8 + 128) / (its mean + 128), which takes out the exposure; the channel range
 *                          up to 28 px (see
 *                          {@link QualityEstimator#exposureNormaliser}); used for the contrast sub-score
 * @param lowClipFraction   fraction of pixels with luminance at most {@value QualityEstimator#LOW_CLIP}
 * @param highClipFraction  fraction of pixels with luminance at least {@value QualityEstimator#HIGH_CLIP}
 * @param exposureError     clipping not explained by content, in [0, 1]; see {@link QualityEstimator}
 * @param blockiness        mean relative step excess on the 8x8 block grid lines minus that off them (0 = none)
 * @param jpegQuality       quality factor (1-100, IJG scale) of an earlier JPEG compression, estimated from the
 *                          quantisation of the DCT coefficients; {@value JpegQuantization#NONE} when no standard
 *                          table up to {@value JpegQuantization#MAX_QUALITY} fits (not compressed, or too lightly
 *                          to tell)
 * @param downscaleFactor   factor of an earlier shrink and bilinear enlargement back to this size, estimated from
 *                          the periodic trace of the interpolation ({@link ResamplingDetector}); 1 when none is
 *                          found (never resampled, factor 2 exactly, or an image under
 *                          {@value ResamplingDetector#MIN_SIDE} px)
 * @param fineDetail        luminance step energy at a fine scale (the side / 64, at least 1 px) over that at twice
 *                          the scale, over 4: about 1 where smooth, 2 for step edges, 4 for pixel noise; 0 without
 *                          steps, and 0 (not measured) at {@value QualityEstimator#CALIBRATION_SIDE} px and below,
 *                          where the blur score does not use it
 * @param blurScore         sub-score of {@code edgeWidth} (28 px and below) or of edgeWidth / sqrt(fineDetail - 1)
 * @param noiseScore        sub-score of {@code noiseSigmaRobust}
 * @param contrastScore     sub-score of {@code normalisedRange}
 * @param exposureScore     sub-score of {@code exposureError}
 * @param blockinessScore   sub-score of {@code blockiness}
 * @param jpegScore         sub-score of {@code jpegQuality}
 * @param downscaleScore    sub-score of {@code downscaleFactor}
 * @param q                 product of the seven sub-scores, in [0, 1]
 */
public record QualityReport(
        double laplacianVariance,
        double edgeWidth,
        double noiseSigma,
        double noiseSigmaRobust,
        double rmsContrast,
        double tonalRange,
        double channelRange,
        double normalisedRange,
        double lowClipFraction,
        double highClipFraction,
        double exposureError,
        double blockiness,
        double jpegQuality,
        double downscaleFactor,
        double fineDetail,
        double blurScore,
        double noiseScore,
        double contrastScore,
        double exposureScore,
        double blockinessScore,
        double jpegScore,
        double downscaleScore,
        double q) {
}
