package io.embedstream.connectors.wire;

import io.embedstream.types.FitMode;
import io.embedstream.types.Resampler;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Conversions between {@link BufferedImage} and HWC u8 pixels, and the policy used to fit images to the network
 * input.
 *
 * <p>Policy, chosen to be deterministic and independent of AWT rendering hints:
 * <ul>
 *   <li>Channels: an image whose colour space has one component is gray (1 channel); everything else (RGB,
 *       indexed/palette, CMYK decoded to RGB by the reader) is read as sRGB through {@code getRGB} (3 channels).
 *       Alpha is dropped, not composited. Samples wider than 8 bits are scaled to [0, 255] with rounding.</li>
 *   <li>RGB → gray: ITU-R BT.601 luma, {@code round(0.299 R + 0.587 G + 0.114 B)}. Gray → RGB: the gray value
 *       in all three channels.</li>
 *   <li>Fit ({@link FitMode}): stretched to the target size (aspect ratio not preserved; the default), or
 *       centre-cropped to the target's aspect ratio first. Then resized with {@link Resampler#resize}: area
 *       average along an axis that shrinks (no aliasing), bilinear interpolation with half-pixel centres (as OpenCV
 *       {@code INTER_LINEAR}, edge pixels clamped) along one that grows. Channels are converted first, then
 *       fitted.</li>
 * </ul>
 */
public final class PixelConversions {

    private PixelConversions() {
    }

    /** Reads the pixels of a decoded image; see the class comment for the channel policy. */
    public static PixelBuffer fromBufferedImage(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        ColorModel colorModel = image.getColorModel();
        if (colorModel.getNumColorComponents() == 1 && !(colorModel instanceof java.awt.image.IndexColorModel)) {
            return new PixelBuffer(width, height, 1, graySamples(image.getRaster(), colorModel.getComponentSize(0)));
        }
        byte[] rgb = new byte[width * height * 3];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            int base = y * width * 3;
            for (int x = 0; x < width; x++) {
                int argb = row[x];
                rgb[base + 3 * x] = (byte) (argb >>> 16);
                rgb[base + 3 * x + 1] = (byte) (argb >>> 8);
                rgb[base + 3 * x + 2] = (byte) argb;
            }
        }
        return new PixelBuffer(width, height, 3, rgb);
    }

    /** A {@code TYPE_BYTE_GRAY} or {@code TYPE_3BYTE_BGR} image holding exactly these pixels. */
    public static BufferedImage toBufferedImage(PixelBuffer pixels) {
        int width = pixels.width();
        int height = pixels.height();
        byte[] data = pixels.data();
        if (pixels.channels() == 1) {
            BufferedImage gray = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            gray.getRaster().setDataElements(0, 0, width, height, data);
            return gray;
        }
        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster raster = rgb.getRaster();
        // setPixels takes band order (R, G, B), independent of the BGR storage layout.
        int[] samples = new int[width * 3];
        for (int y = 0; y < height; y++) {
            int base = y * width * 3;
            for (int i = 0; i < width * 3; i++) {
                samples[i] = data[base + i] & 0xFF;
            }
            raster.setPixels(0, y, width, 1, samples);
        }
        return rgb;
    }

    /** Converts to the given channel count (1 or 3); returns the input when it already matches. */
    public static PixelBuffer toChannels(PixelBuffer pixels, int channels) {
        if (pixels.channels() == channels) {
            return pixels;
        }
        int count = pixels.width() * pixels.height();
        byte[] in = pixels.data();
        byte[] out = new byte[count * channels];
        if (channels == 1) {
            for (int i = 0; i < count; i++) {
                int r = in[3 * i] & 0xFF;
                int g = in[3 * i + 1] & 0xFF;
                int b = in[3 * i + 2] & 0xFF;
                out[i] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
            }
        } else if (channels == 3) {
            for (int i = 0; i < count; i++) {
                out[3 * i] = in[i];
                out[3 * i + 1] = in[i];
                out[3 * i + 2] = in[i];
            }
        } else {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        return new PixelBuffer(pixels.width(), pixels.height(), channels, out);
    }

    /** Stretches to the size ({@link FitMode#STRETCH}); returns the input when the size already matches. */
    public static PixelBuffer resize(PixelBuffer pixels, int width, int height) {
        return fit(pixels, width, height, FitMode.STRETCH);
    }

    /** Fits to the size by {@code mode} (see the class comment); returns the input when the size already matches. */
    public static PixelBuffer fit(PixelBuffer pixels, int width, int height, FitMode mode) {
        if (pixels.width() == width && pixels.height() == height) {
            return pixels;
        }
        return new PixelBuffer(width, height, pixels.channels(), Resampler.fit(pixels.data(), pixels.width(),
                pixels.height(), pixels.channels(), width, height, mode));
    }

    private static byte[] graySamples(Raster raster, int bits) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        byte[] out = new byte[width * height];
        int[] row = new int[width];
        long max = (1L << bits) - 1;
        for (int y = 0; y < height; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, row);
            for (int x = 0; x < width; x++) {
                long v = row[x] & 0xFFFFFFFFL;
                out[y * width + x] = (byte) (bits == 8 ? v : Math.min(255, Math.round(v * 255.0 / max)));
            }
        }
        return out;
    }
}
