package io.embedstream.connectors.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.embedstream.connectors.wire.DecodeResult.Decoded;
import io.embedstream.connectors.wire.DecodeResult.Rejected;

/**
 * The decoder against hostile encodings: decompression bombs are refused from the header with a measured bound on
 * what the decoding thread allocates, and every truncation or single-bit corruption of a PNG, and every truncation
 * of a JPEG, is refused instead of being decoded into different pixels.
 */
class HostileImagesTest {

    /**
     * What refusing a bomb may allocate on the decoding thread: the reader objects and ImageIO's stream buffers
     * (at most 61 KB observed), far below the smallest bomb raster here (60000 x 60000 x 1 byte = 3.6 GB).
     */
    private static final long BOMB_ALLOCATION_BOUND = 256L << 10;
    /** A valid PNG carrying a compressed comment or ICC profile that inflates to 256 MiB: its metadata is skipped. */
    private static final long METADATA_BOMB_ALLOCATION_BOUND = 4L << 20;
    private static final RecordSource SOURCE = new RecordSource("images", 0, 1);
    private static final WireHeaders LABEL = WireHeaders.empty().with("label", "1");

    private final ImageRecordDecoder decoder = ImageRecordDecoder.builder().classes(10).target(28, 28, 1).build();

    @Test
    void decompressionBombsAreRefusedFromTheHeaderBeforeAnyLargeAllocation() {
        Map<String, Bomb> bombs = new LinkedHashMap<>();
        bombs.put("png 60000x60000", new Bomb(HostileImages.pngDeclaring(60000, 60000), LABEL));
        bombs.put("png 2^31-1 square", new Bomb(HostileImages.pngDeclaring(Integer.MAX_VALUE, Integer.MAX_VALUE),
                LABEL));
        bombs.put("jpeg baseline 60000x60000", new Bomb(HostileImages.jpegDeclaring(60000, 60000, false), LABEL));
        bombs.put("jpeg progressive 65535x65535", new Bomb(HostileImages.jpegDeclaring(65535, 65535, true), LABEL));
        bombs.put("gif 65535x65535", new Bomb(HostileImages.gifDeclaring(65535, 65535), LABEL));
        bombs.put("bmp 60000x60000", new Bomb(HostileImages.bmpDeclaring(60000, 60000), LABEL));
        bombs.put("raw 60000x60000x3", new Bomb(new byte[64], raw("60000", "60000", "3")));
        bombs.put("raw 2147483647x2147483647x1", new Bomb(new byte[64], raw("2147483647", "2147483647", "1")));
        bombs.put("raw 4096x4096x3 (within the pixel limit, 64 bytes sent)",
                new Bomb(new byte[64], raw("4096", "4096", "3")));
        bombs.put("raw 1x1x1000000", new Bomb(new byte[64], raw("1", "1", "1000000")));
        for (Map.Entry<String, Bomb> bomb : bombs.entrySet()) {
            decode(bomb.getValue().value(), bomb.getValue().headers()); // class loading outside the measurement
            long[] allocated = new long[1];
            DecodeResult result = allocatedBy(() -> decode(bomb.getValue().value(), bomb.getValue().headers()),
                    allocated);
            Rejected rejected = assertInstanceOf(Rejected.class, result, bomb.getKey() + " was decoded");
            System.out.printf("%s: refused after %d bytes allocated: %s%n", bomb.getKey(), allocated[0],
                    rejected.reason());
            assertTrue(allocated[0] < BOMB_ALLOCATION_BOUND, bomb.getKey() + " allocated " + allocated[0]
                    + " bytes before it was refused (" + rejected.reason() + ")");
        }
    }

    @Test
    void compressedMetadataIsNeverInflated() {
        for (String chunk : new String[] {"zTXt", "iTXt", "iCCP"}) {
            byte[] png = HostileImages.pngWithCompressedChunk(chunk, 256L << 20);
            assertTrue(png.length < 512 << 10, "the bomb itself is small: " + png.length);
            decode(png, LABEL); // class loading outside the measurement
            long[] allocated = new long[1];
            long start = System.nanoTime();
            DecodeResult result = allocatedBy(() -> decode(png, LABEL), allocated);
            System.out.printf("%s bomb (%d bytes): decoded in %.1f ms, %d bytes allocated%n", chunk, png.length,
                    (System.nanoTime() - start) / 1e6, allocated[0]);
            assertInstanceOf(Decoded.class, result, () -> chunk + ": a valid PNG must decode, got " + result);
            assertTrue(allocated[0] < METADATA_BOMB_ALLOCATION_BOUND, chunk + " allocated " + allocated[0]);
        }
    }

    @Test
    void everySingleBitFlipAndEveryTruncationOfAPngIsRefused() {
        byte[] png = HostileImages.encoded("png", 20, 20, 7);
        assertInstanceOf(Decoded.class, decode(png, LABEL));
        for (int bit = 0; bit < png.length * 8; bit++) {
            DecodeResult result = decode(HostileImages.flipBit(png, bit), LABEL);
            int at = bit;
            assertInstanceOf(Rejected.class, result, () -> "flipped bit " + at + " of a PNG was decoded");
        }
        for (int length = 0; length < png.length; length++) {
            int cut = length;
            assertInstanceOf(Rejected.class, decode(Arrays.copyOf(png, length), LABEL),
                    () -> "a PNG cut to " + cut + " of " + png.length + " bytes was decoded");
        }
    }

    @Test
    void everyTruncationOfAJpegIsRefusedAndRepairedScansAreToo() {
        byte[] jpeg = HostileImages.encoded("jpg", 32, 32, 8);
        assertInstanceOf(Decoded.class, decode(jpeg, LABEL));
        for (int length = 0; length < jpeg.length; length++) {
            int cut = length;
            assertInstanceOf(Rejected.class, decode(Arrays.copyOf(jpeg, length), LABEL),
                    () -> "a JPEG cut to " + cut + " of " + jpeg.length + " bytes was decoded");
        }
        // A JPEG has no checksum: a flipped bit in a coefficient's magnitude is a valid, different image. A flip
        // that desynchronises the entropy-coded scan makes libjpeg warn and fill with grey: that one is refused.
        int refused = 0;
        for (int bit = 0; bit < jpeg.length * 8; bit++) {
            DecodeResult result = decode(HostileImages.flipBit(jpeg, bit), LABEL);
            if (result instanceof Rejected) {
                refused++;
            }
        }
        assertTrue(refused > jpeg.length * 8 / 10, "only " + refused + " of " + jpeg.length * 8 + " flips refused");
    }

    @Test
    void formatsOutsideTheWireFormatAreNotAnImage() throws Exception {
        assertEquals(ImageRecordDecoder.NOT_AN_IMAGE,
                assertInstanceOf(Rejected.class, decode(HostileImages.wbmp(16, 16), LABEL)).reason());
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(PixelConversions.toBufferedImage(
                new PixelBuffer(8, 8, 1, new byte[64])), "tiff", tiff));
        assertEquals(ImageRecordDecoder.NOT_AN_IMAGE,
                assertInstanceOf(Rejected.class, decode(tiff.toByteArray(), LABEL)).reason());
    }

    private record Bomb(byte[] value, WireHeaders headers) {
    }

    private DecodeResult decode(byte[] value, WireHeaders headers) {
        return decoder.decode(value, headers, SOURCE);
    }

    private static WireHeaders raw(String width, String height, String channels) {
        return LABEL.with("content-type", "image/x-raw-u8").with("width", width).with("height", height)
                .with("channels", channels);
    }

    /** Runs {@code work} and stores what it allocated on this thread (HotSpot's per-thread allocation counter). */
    private static DecodeResult allocatedBy(Supplier<DecodeResult> work, long[] allocated) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        DecodeResult result = work.get();
        allocated[0] = threads.getCurrentThreadAllocatedBytes() - before;
        return result;
    }
}
