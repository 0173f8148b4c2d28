package io.embedstream.connectors.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import javax.imageio.ImageIO;

/**
 * Hostile encoded images for the decoder tests and the pipeline's fuzz test: decompression bombs (small records
 * whose headers declare huge images, or whose compressed chunks inflate to gigabytes) and real encodings with
 * truncations and bit flips. Each bomb is well formed apart from what it declares, so that a decoder which trusted
 * the header would go on to allocate.
 */
public final class HostileImages {

    private HostileImages() {
    }

    /** A real image of the given format (png, jpg, bmp, gif) with some structure, {@code width x height x 3}. */
    public static byte[] encoded(String format, int width, int height, long seed) {
        byte[] pixels = TestImages.random("e", 0, width, height, 3, seed).pixels();
        // Smooth the noise a little so that JPEG has real structure to code, as photographs do.
        for (int i = 3; i < pixels.length; i++) {
            pixels[i] = (byte) (((pixels[i] & 0xFF) + (pixels[i - 3] & 0xFF) * 3) / 4);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(PixelConversions.toBufferedImage(new PixelBuffer(width, height, 3, pixels)), format,
                    out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A complete, valid PNG (correct CRCs) whose IHDR declares {@code width x height} 8-bit gray pixels. */
    public static byte[] pngDeclaring(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PngStructure.SIGNATURE);
        out.writeBytes(pngChunk("IHDR", ihdr.array()));
        // One compressed megabyte of zeros (about 1 KiB): the start of the declared rows.
        out.writeBytes(pngChunk("IDAT", deflatedZeros(1 << 20)));
        out.writeBytes(pngChunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    /**
     * A small valid PNG with an ancillary chunk ({@code zTXt}, {@code iTXt} or {@code iCCP}) holding
     * {@code inflatedBytes} of zeros compressed about a thousand to one.
     */
    public static byte[] pngWithCompressedChunk(String type, long inflatedBytes) {
        byte[] png = encoded("png", 16, 16, 1);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        switch (type) {
            case "zTXt", "iCCP" -> {
                data.writeBytes((type.equals("iCCP") ? "icc" : "Comment").getBytes(StandardCharsets.ISO_8859_1));
                data.write(0); // keyword terminator
                data.write(0); // compression method: deflate
            }
            case "iTXt" -> {
                data.writeBytes("Comment".getBytes(StandardCharsets.ISO_8859_1));
                data.writeBytes(new byte[] {0, 1, 0, 0, 0}); // terminator, compressed, method, no language, no key
            }
            default -> throw new IllegalArgumentException(type);
        }
        data.writeBytes(deflatedZeros(inflatedBytes));
        int afterIhdr = PngStructure.SIGNATURE.length + 12 + 13;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterIhdr);
        out.writeBytes(pngChunk(type, data.toByteArray()));
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    /** A real JPEG whose frame header (any SOFn marker) declares {@code width x height}. */
    public static byte[] jpegDeclaring(int width, int height, boolean progressive) {
        byte[] jpeg = encoded("jpg", 16, 16, 2);
        for (int i = 2; i + 8 < jpeg.length; i++) {
            int marker = jpeg[i + 1] & 0xFF;
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if ((jpeg[i] & 0xFF) == 0xFF && sof) {
                if (progressive) {
                    jpeg[i + 1] = (byte) 0xC2;
                }
                // FFCn, length(2), precision(1), height(2), width(2)
                ByteBuffer.wrap(jpeg).putShort(i + 5, (short) height).putShort(i + 7, (short) width);
                return jpeg;
            }
        }
        throw new IllegalStateException("no frame header in the JPEG writer's output");
    }

    /** A minimal GIF whose logical screen and first image descriptor declare {@code width x height} (max 65535). */
    public static byte[] gifDeclaring(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GIF89a".getBytes(StandardCharsets.US_ASCII));
        b.putShort((short) width).putShort((short) height).put((byte) 0x80).put((byte) 0).put((byte) 0);
        b.put(new byte[] {0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}); // 2-entry global colour table
        b.put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height)
                .put((byte) 0);
        b.put((byte) 2); // LZW minimum code size
        b.put((byte) 2).put((byte) 0x44).put((byte) 0x01).put((byte) 0); // one tiny sub-block, then terminator
        b.put((byte) 0x3B);
        return Arrays.copyOf(b.array(), b.position());
    }

    /** A real 24-bit BMP whose info header declares {@code width x height}. */
    public static byte[] bmpDeclaring(int width, int height) {
        byte[] bmp = encoded("bmp", 16, 16, 3);
        ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN).putInt(18, width).putInt(22, height);
        return bmp;
    }

    /** A well-formed WBMP header (type 0, no fixed header, then sizes): no magic number, unlike the accepted formats. */
    public static byte[] wbmp(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(width); // sizes below 128 take one byte
        out.write(height);
        out.writeBytes(new byte[(width + 7) / 8 * height]);
        return out.toByteArray();
    }

    /** {@code bytes} with bit {@code bit} (0 = most significant of byte 0) inverted. */
    public static byte[] flipBit(byte[] bytes, int bit) {
        byte[] out = bytes.clone();
        out[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
        return out;
    }

    static byte[] pngChunk(String type, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(12 + data.length);
        b.putInt(data.length).put(type.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 4, 4 + data.length);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private static final java.util.Map<Long, byte[]> DEFLATED_ZEROS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Zlib-compressed zeros, streamed so that the test never holds the inflated size itself; cached by size. */
    static byte[] deflatedZeros(long count) {
        return DEFLATED_ZEROS.computeIfAbsent(count, HostileImages::deflateZeros).clone();
    }

    private static byte[] deflateZeros(long count) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION); // deflate's limit: about 1000 to 1

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 16];
        byte[] buffer = new byte[1 << 16];
        for (long done = 0; done < count; done += zeros.length) {
            deflater.setInput(zeros, 0, (int) Math.min(zeros.length, count - done));
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }
}
