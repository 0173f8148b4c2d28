package io.embedstream.connectors.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.embedstream.connectors.wire.DecodeResult.Decoded;
import io.embedstream.connectors.wire.DecodeResult.Rejected;
import io.embedstream.types.LabeledImage;

class ImageRecordDecoderTest {

    private static final RecordSource SOURCE = new RecordSource("images", 2, 17);
    private final ImageRecordDecoder decoder = ImageRecordDecoder.builder().classes(10).build();

    @Test
    void pngRoundTripKeepsPixelsIdLabelGrayAndRgb() {
        for (int channels : new int[] {1, 3}) {
            LabeledImage image = TestImages.random("img-" + channels, 7, 13, 9, channels, channels);
            ImageRecord record = ImageRecordEncoder.png().encode(image);
            assertEquals("image/png", record.headers().string("content-type").orElseThrow());
            LabeledImage decoded = decoded(decoder.decode(record.value(), record.headers(), SOURCE));
            assertImageEquals(image, decoded);
        }
    }

    @Test
    void rawRoundTripKeepsPixels() {
        LabeledImage image = TestImages.random("raw", 3, 5, 4, 3, 42);
        ImageRecord record = ImageRecordEncoder.raw().encode(image);
        assertImageEquals(image, decoded(decoder.decode(record.value(), record.headers(), SOURCE)));
    }

    @Test
    void jpegBmpGifAreDecodedWithoutContentType() throws Exception {
        LabeledImage image = TestImages.random("x", 1, 16, 16, 3, 5);
        for (String format : new String[] {"jpg", "bmp", "gif"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(PixelConversions.toBufferedImage(
                    new PixelBuffer(16, 16, 3, image.pixels())), format, out), format);
            LabeledImage decoded = decoded(decoder.decode(out.toByteArray(), labelOnly("1"), SOURCE));
            assertEquals(16, decoded.width(), format);
            assertEquals(16, decoded.height(), format);
        }
    }

    @Test
    void idDefaultsToTopicPartitionOffset() {
        ImageRecord record = ImageRecordEncoder.png().encode(TestImages.random("ignored", 0, 4, 4, 1, 1));
        LabeledImage decoded = decoded(decoder.decode(record.value(), record.headers().without("id"), SOURCE));
        assertEquals("images-2-17", decoded.id());
    }

    @Test
    void convertsChannelsAndResizesToTarget() {
        ImageRecordDecoder toGray28 = ImageRecordDecoder.builder().classes(10).target(28, 28, 1).build();
        ImageRecord record = ImageRecordEncoder.png().encode(TestImages.random("c", 2, 40, 30, 3, 9));
        LabeledImage decoded = decoded(toGray28.decode(record.value(), record.headers(), SOURCE));
        assertEquals(28, decoded.width());
        assertEquals(28, decoded.height());
        assertEquals(1, decoded.channels());

        // A uniform colour stays uniform: gray = BT.601 luma.
        byte[] rgb = new byte[8 * 8 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) 200;
            rgb[i + 1] = (byte) 100;
            rgb[i + 2] = (byte) 50;
        }
        ImageRecord uniform = ImageRecordEncoder.png().encode(new LabeledImage("u", 0, 8, 8, 3, rgb));
        LabeledImage gray = decoded(toGray28.decode(uniform.value(), uniform.headers(), SOURCE));
        int luma = (int) Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50);
        for (byte b : gray.pixels()) {
            assertEquals(luma, b & 0xFF);
        }
    }

    @Test
    void cropModeFitsTheCentredSquareOfAWideImage() {
        // 12x4 gray, left third 0, middle third 200, right third 90: the centred 4x4 square is all 200.
        byte[] gray = new byte[12 * 4];
        for (int i = 0; i < gray.length; i++) {
            int x = i % 12;
            gray[i] = (byte) (x < 4 ? 0 : (x < 8 ? 200 : 90));
        }
        ImageRecord record = ImageRecordEncoder.png().encode(new LabeledImage("w", 1, 12, 4, 1, gray));
        ImageRecordDecoder crop = ImageRecordDecoder.builder().classes(10).target(2, 2, 1)
                .fitMode(io.embedstream.types.FitMode.CROP).build();
        for (byte b : decoded(crop.decode(record.value(), record.headers(), SOURCE)).pixels()) {
            assertEquals(200, b & 0xFF);
        }
        // Stretched, the 2x2 input sees all three thirds: columns 0-5 average (4 * 0 + 2 * 200) / 6 = 67.
        LabeledImage stretched = decoded(ImageRecordDecoder.builder().classes(10).target(2, 2, 1).build()
                .decode(record.value(), record.headers(), SOURCE));
        assertEquals(67, stretched.pixel(0, 0, 0));
        assertEquals(127, stretched.pixel(1, 0, 0));
    }

    @Test
    void rejectPolicyRefusesOtherShapes() {
        ImageRecordDecoder strict = ImageRecordDecoder.builder().classes(10).target(28, 28, 1)
                .mismatchPolicy(MismatchPolicy.REJECT).build();
        ImageRecord record = ImageRecordEncoder.png().encode(TestImages.random("c", 2, 32, 32, 3, 9));
        assertRejected(strict.decode(record.value(), record.headers(), SOURCE), "convert",
                "image is 32x32x3, expected 28x28x1");
    }

    @Test
    void rejectsMissingLabel() {
        assertRejected(decoder.decode(png(), WireHeaders.empty(), SOURCE), "headers", "missing header 'label'");
    }

    @Test
    void rejectsLabelOutOfRange() {
        assertRejected(decoder.decode(png(), labelOnly("12"), SOURCE), "headers", "label 12 out of range [0, 10)");
        assertRejected(decoder.decode(png(), labelOnly("-1"), SOURCE), "headers", "label -1 out of range [0, 10)");
        assertRejected(decoder.decode(png(), labelOnly("99999999999"), SOURCE), "headers",
                "label '99999999999' is not a decimal integer");
    }

    @Test
    void acceptsClassNamesWhenAskedAndKeepsIntegersAsIndices() {
        ImageRecordDecoder named = ImageRecordDecoder.builder().classes(10).target(28, 28, 1).classNames(true).build();
        DecodeResult.Decoded cat = assertInstanceOf(DecodeResult.Decoded.class,
                named.decode(png(), labelOnly("  tabby cat "), SOURCE));
        assertEquals("tabby cat", cat.labelName());
        assertEquals(-1, cat.image().label());
        String coffee = "k\u00e1va \u2615 " + "x".repeat(LabelHeader.MAX_NAME_BYTES - 10);
        assertEquals(LabelHeader.MAX_NAME_BYTES, coffee.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertEquals(coffee, assertInstanceOf(DecodeResult.Decoded.class,
                named.decode(png(), labelOnly(coffee), SOURCE)).labelName());
        DecodeResult.Decoded three = assertInstanceOf(DecodeResult.Decoded.class,
                named.decode(png(), labelOnly("3"), SOURCE));
        assertEquals(3, three.image().label());
        assertEquals(null, three.labelName());
        assertRejected(named.decode(png(), labelOnly("12"), SOURCE), "headers", "label 12 out of range [0, 10)");
        assertRejected(named.decode(png(), labelOnly(coffee + "y"), SOURCE), "headers",
                "label of 257 bytes exceeds the 256-byte limit");
        assertRejected(named.decode(png(), WireHeaders.empty().with("label", new byte[] {'a', (byte) 0xC3, '('}),
                SOURCE), "headers", "label is not valid UTF-8");
        assertRejected(named.decode(png(), labelOnly("a\u0001b"), SOURCE), "headers",
                "label 'a\\x01b' contains the control character U+0001");
        assertRejected(named.decode(png(), labelOnly("   "), SOURCE), "headers", "label is empty");
    }

    @Test
    void rejectsNonDecimalLabel() {
        assertRejected(decoder.decode(png(), labelOnly("abc"), SOURCE), "headers", "label 'abc' is not a decimal integer");
        assertRejected(decoder.decode(png(), labelOnly("3.5"), SOURCE), "headers", "label '3.5' is not a decimal integer");
        assertRejected(decoder.decode(png(), labelOnly(""), SOURCE), "headers", "label '' is not a decimal integer");
    }

    @Test
    void rejectsOversizedRecord() {
        ImageRecordDecoder small = ImageRecordDecoder.builder().classes(10).maxRecordBytes(100).build();
        assertRejected(small.decode(new byte[101], labelOnly("1"), SOURCE), "record", "record of 101 bytes exceeds max 100");
    }

    @Test
    void rejectsNullValue() {
        assertRejected(decoder.decode(null, labelOnly("1"), SOURCE), "record", "record has no value (null)");
    }

    @Test
    void refusesDecompressionBombFromPngHeader() {
        byte[] bomb = withPngSize(png(), 100_000, 100_000);
        assertRejected(decoder.decode(bomb, labelOnly("1"), SOURCE), "decode",
                "declared size 100000x100000 exceeds max pixels 16777216");
    }

    @Test
    void refusesDecompressionBombFromJpegHeader() {
        byte[] jpeg = encoded("jpg");
        // Baseline JPEG frame header: FF C0, length(2), precision(1), height(2), width(2).
        for (int i = 0; i + 8 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) {
                ByteBuffer.wrap(jpeg).putShort(i + 5, (short) 60000).putShort(i + 7, (short) 60000);
                break;
            }
        }
        assertRejected(decoder.decode(jpeg, labelOnly("1"), SOURCE), "decode",
                "declared size 60000x60000 exceeds max pixels 16777216");
    }

    @Test
    void decoderSurvivesJavaSerialization() throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(ImageRecordDecoder.builder().classes(10).target(8, 8, 1).build());
        }
        ImageRecordDecoder copy;
        try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ImageRecordDecoder) in.readObject();
        }
        assertRejected(copy.decode(png(), labelOnly("10"), SOURCE), "headers", "label 10 out of range [0, 10)");
    }

    @Test
    void refusesOversizedRawDeclaration() {
        WireHeaders raw = rawHeaders("1", "100000", "100000", "1");
        assertRejected(decoder.decode(new byte[10], raw, SOURCE), "decode",
                "declared size 100000x100000 exceeds max pixels 16777216");
    }

    @Test
    void rejectsUndecodableBytes() {
        assertRejected(decoder.decode("hello, not an image".getBytes(), labelOnly("1"), SOURCE), "decode",
                ImageRecordDecoder.NOT_AN_IMAGE);
    }

    @Test
    void rejectsTruncatedPng() {
        byte[] png = png();
        DecodeResult result = decoder.decode(Arrays.copyOf(png, png.length / 2), labelOnly("1"), SOURCE);
        Rejected rejected = assertInstanceOf(Rejected.class, result);
        assertEquals("decode", rejected.stage());
        assertTrue(rejected.reason().startsWith("truncated"), rejected.reason());
    }

    @Test
    void rejectsRawSizeMismatchAndMissingHeaders() {
        assertRejected(decoder.decode(new byte[5], rawHeaders("1", "2", "2", "3"), SOURCE), "decode",
                "truncated raw image: 5 bytes, expected 2x2x3 = 12");
        assertRejected(decoder.decode(new byte[13], rawHeaders("1", "2", "2", "3"), SOURCE), "decode",
                "raw image has 13 bytes, expected 2x2x3 = 12 (trailing bytes)");
        assertRejected(decoder.decode(new byte[4], rawHeaders("1", "2", "2", null), SOURCE), "headers",
                "missing header 'channels' (required with content-type image/x-raw-u8)");
        assertRejected(decoder.decode(new byte[8], rawHeaders("1", "2", "2", "2"), SOURCE), "headers",
                "header 'channels' must be 1 or 3, got 2");
        assertRejected(decoder.decode(new byte[8], rawHeaders("1", "two", "2", "1"), SOURCE), "headers",
                "header 'width' value 'two' is not a decimal integer");
    }

    @Test
    void rejectsUnknownContentType() {
        assertRejected(decoder.decode(png(), labelOnly("1").with("content-type", "text/plain"), SOURCE), "headers",
                "unsupported content-type 'text/plain' (expected image/png, image/jpeg, image/bmp, image/gif, "
                        + "image/x-raw-u8 or none)");
    }

    @Test
    void fuzzedBytesNeverThrowAndAlwaysExplain() {
        Random random = new Random(20260101);
        byte[] png = ImageRecordEncoder.png().encode(TestImages.random("f", 1, 24, 24, 3, 1)).value();
        byte[] gif = encoded("gif");
        byte[] jpg = encoded("jpg");
        byte[] bmp = encoded("bmp");
        byte[][] seeds = {png, gif, jpg, bmp};
        int rejected = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] input;
            switch (i % 4) {
                case 0 -> { // pure noise, any length
                    input = new byte[random.nextInt(2048)];
                    random.nextBytes(input);
                }
                case 1 -> { // valid image cut short
                    byte[] seed = seeds[random.nextInt(seeds.length)];
                    input = Arrays.copyOf(seed, random.nextInt(seed.length));
                }
                case 2 -> { // valid image with flipped bytes (keeps the magic header so a reader is chosen)
                    byte[] seed = seeds[random.nextInt(seeds.length)];
                    input = seed.clone();
                    for (int k = 0, n = 1 + random.nextInt(20); k < n; k++) {
                        int at = 8 + random.nextInt(input.length - 8);
                        input[at] = (byte) random.nextInt(256);
                    }
                }
                default -> { // magic header followed by noise
                    byte[] seed = seeds[random.nextInt(seeds.length)];
                    input = new byte[16 + random.nextInt(512)];
                    random.nextBytes(input);
                    System.arraycopy(seed, 0, input, 0, 8);
                }
            }
            DecodeResult result = decoder.decode(input, labelOnly("1"), SOURCE);
            if (result instanceof Rejected r) {
                rejected++;
                assertFalse(r.reason().isBlank());
                assertFalse(r.stage().isBlank());
            } else {
                // A corrupted image can still be a valid one; then it must be a well-formed image.
                LabeledImage image = ((Decoded) result).image();
                assertEquals(image.width() * image.height() * image.channels(), image.pixels().length);
            }
        }
        assertTrue(rejected > 1000, "most fuzzed inputs must be rejected, got " + rejected);
    }

    private static byte[] encoded(String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(PixelConversions.toBufferedImage(
                    new PixelBuffer(24, 24, 3, TestImages.random("s", 0, 24, 24, 3, 3).pixels())), format, out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] png() {
        return ImageRecordEncoder.png().encode(TestImages.random("p", 1, 8, 8, 1, 1)).value();
    }

    private static WireHeaders labelOnly(String label) {
        return WireHeaders.empty().with("label", label);
    }

    private static WireHeaders rawHeaders(String label, String width, String height, String channels) {
        WireHeaders headers = labelOnly(label).with("content-type", "image/x-raw-u8");
        if (width != null) {
            headers = headers.with("width", width);
        }
        if (height != null) {
            headers = headers.with("height", height);
        }
        if (channels != null) {
            headers = headers.with("channels", channels);
        }
        return headers;
    }

    /** Rewrites the IHDR width and height of a PNG (and its CRC), leaving the tiny pixel data as it is. */
    private static byte[] withPngSize(byte[] png, int width, int height) {
        byte[] out = png.clone();
        ByteBuffer buffer = ByteBuffer.wrap(out);
        // 8-byte signature, then IHDR: length(4) "IHDR"(4) width(4) height(4) ... crc(4)
        buffer.putInt(16, width);
        buffer.putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(out, 12, 4 + 13);
        buffer.putInt(12 + 4 + 13, (int) crc.getValue());
        return out;
    }

    static LabeledImage decoded(DecodeResult result) {
        if (result instanceof Rejected r) {
            throw new AssertionError("expected an image, got rejection: " + r);
        }
        return ((Decoded) result).image();
    }

    private static void assertRejected(DecodeResult result, String stage, String reason) {
        Rejected rejected = assertInstanceOf(Rejected.class, result, () -> "expected rejection, got " + result);
        assertEquals(reason, rejected.reason());
        assertEquals(stage, rejected.stage());
    }

    static void assertImageEquals(LabeledImage expected, LabeledImage actual) {
        assertEquals(expected.id(), actual.id());
        assertEquals(expected.label(), actual.label());
        assertEquals(expected.width(), actual.width());
        assertEquals(expected.height(), actual.height());
        assertEquals(expected.channels(), actual.channels());
        assertArrayEquals(expected.pixels(), actual.pixels());
    }
}
