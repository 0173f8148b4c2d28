package io.embedstream.model.data;

import io.embedstream.types.Resampler;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Pixel operations behind {@link Degradation}, on interleaved HWC u8 arrays. Each returns a new array. */
final class PixelOps {
    private PixelOps() {}

    /** Separable Gaussian blur, kernel radius ceil(3 sigma), edges clamped. */
    static byte[] gaussianBlur(byte[] src, int w, int h, int ch, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
            sum += kernel[k + radius];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= sum;
        }
        double[] tmp = new double[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < ch; c++) {
                    double acc = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int xx = clamp(x + k, 0, w - 1);
                        acc += kernel[k + radius] * (src[(y * w + xx) * ch + c] & 0xFF);
                    }
                    tmp[(y * w + x) * ch + c] = acc;
                }
            }
        }
        byte[] out = new byte[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < ch; c++) {
                    double acc = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int yy = clamp(y + k, 0, h - 1);
                        acc += kernel[k + radius] * tmp[(yy * w + x) * ch + c];
                    }
                    out[(y * w + x) * ch + c] = toByte(acc);
                }
            }
        }
        return out;
    }

    /** Adds independent Gaussian noise of standard deviation {@code sigma} grey levels to every sample. */
    static byte[] gaussianNoise(byte[] src, double sigma, Random rng) {
        byte[] out = new byte[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = toByte((src[i] & 0xFF) + sigma * rng.nextGaussian());
        }
        return out;
    }

    /** Scales each channel's deviation from its own mean by {@code factor} (in (0, 1] lowers contrast). */
    static byte[] scaleContrast(byte[] src, int ch, double factor) {
        double[] mean = new double[ch];
        for (int i = 0; i < src.length; i++) {
            mean[i % ch] += src[i] & 0xFF;
        }
        int n = src.length / ch;
        for (int c = 0; c < ch; c++) {
            mean[c] /= n;
        }
        byte[] out = new byte[src.length];
        for (int i = 0; i < src.length; i++) {
            double m = mean[i % ch];
            out[i] = toByte(m + factor * ((src[i] & 0xFF) - m));
        }
        return out;
    }

    /**
     * Area-average downscale by {@code factor} (to at least 1x1), then bilinear upscale back to w x h: the detail
     * finer than the reduced grid is lost, as when a small thumbnail is blown up.
     */
    static byte[] downUpScale(byte[] src, int w, int h, int ch, double factor) {
        int sw = Math.max(1, (int) Math.round(w / factor));
        int sh = Math.max(1, (int) Math.round(h / factor));
        if (sw == w && sh == h) {
            return src.clone();
        }
        return Resampler.bilinear(Resampler.areaAverage(src, w, h, ch, sw, sh), sw, sh, ch, w, h);
    }

    /** Round trip through the JDK's baseline JPEG codec at {@code quality} in [0, 1]. */
    static byte[] jpegRoundTrip(byte[] src, int w, int h, int ch, float quality) {
        BufferedImage img = new BufferedImage(w, h, ch == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        byte[] raster = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        if (ch == 1) {
            System.arraycopy(src, 0, raster, 0, src.length);
        } else {
            for (int i = 0; i < src.length; i += 3) { // RGB -> BGR
                raster[i] = src[i + 2];
                raster[i + 1] = src[i + 1];
                raster[i + 2] = src[i];
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
                writer.write(null, new IIOImage(img, null, null), param);
            }
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
            // Read raster samples, not getRGB: getRGB would push a grey image through a linear-to-sRGB conversion.
            java.awt.image.Raster decodedRaster = decoded.getRaster();
            if (decodedRaster.getNumBands() != ch) {
                throw new IllegalStateException("JPEG decoder returned " + decodedRaster.getNumBands()
                        + " bands for a " + ch + "-channel image");
            }
            byte[] out = new byte[src.length];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < ch; c++) {
                        out[(y * w + x) * ch + c] = (byte) decodedRaster.getSample(x, y, c);
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory JPEG round trip failed", e);
        } finally {
            writer.dispose();
        }
    }

    private static int clamp(int v, int lo, int hi) {
        return v < lo ? lo : (v > hi ? hi : v);
    }

    private static byte toByte(double v) {
        long r = Math.round(v);
        return (byte) (r < 0 ? 0 : (r > 255 ? 255 : r));
    }
}
