package io.embedstream.pipeline;

import io.embedstream.connectors.wire.HostileImages;
import io.embedstream.connectors.wire.ImageRecordEncoder;
import io.embedstream.connectors.wire.PixelBuffer;
import io.embedstream.connectors.wire.PixelConversions;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * The fuzz test's input: malformed records of every kind the wire format must refuse, records that are hostile but
 * valid, and ordinary good images. Each record's key is its id ({@code bad-N}, {@code good-N} or {@code maybe-N}),
 * which the dead-letter topic keeps, so that outcomes are counted by id. Deterministic for a seed.
 */
final class HostileRecords {
    /** What the pipeline must do with a record. */
    enum Expect {
        /** Dead-lettered with a reason, never trained on. */
        DEAD_LETTER,
        /** Decoded and trained on (or dropped by the batcher and counted). */
        TRAIN,
        /**
         * A JPEG with flipped bits: it has no checksum, so a flip in a coefficient is a valid, different image that
         * no decoder can tell from the original; a flip that breaks the entropy-coded data is refused.
         */
        EITHER
    }

    record Header(String name, byte[] value) {}

    record Hostile(String id, String kind, Expect expect, byte[] value, List<Header> headers) {}

    static final int CLASSES = 10;

    private final Random random;
    private final int maxRecordBytes;
    private final List<byte[]> pngs = new ArrayList<>();
    private final List<byte[]> jpegs = new ArrayList<>();
    private final List<LabeledImage> shapes;
    private final List<Hostile> out = new ArrayList<>();
    private int bad;
    private int good;
    private int maybe;

    private HostileRecords(long seed, int maxRecordBytes) {
        this.random = new Random(seed);
        this.maxRecordBytes = maxRecordBytes;
        shapes = SyntheticShapes.builder().seed(seed).build().generate(64);
        for (int i = 0; i < 16; i++) {
            LabeledImage s = shapes.get(i);
            pngs.add(ImageRecordEncoder.png().encode(s).value());
            jpegs.add(encode("jpg", s));
        }
        // Larger RGB encodings too, so that cuts and flips land in longer scans; all below the record size limit,
        // so that what is refused is the defect under test, not the size.
        for (int size : new int[] {40, 64}) {
            pngs.add(HostileImages.encoded("png", size, size, seed + size));
            jpegs.add(HostileImages.encoded("jpg", size, size, seed + size));
        }
        for (byte[] image : java.util.stream.Stream.concat(pngs.stream(), jpegs.stream()).toList()) {
            if (image.length > maxRecordBytes) {
                throw new IllegalStateException("seed image of " + image.length + " bytes above " + maxRecordBytes);
            }
        }
    }

    /**
     * Generates {@code malformedPerKind} records of each malformed kind (about 10 kinds), {@code goodCount} good
     * ones and {@code jpegFlips} corrupted JPEGs, in a shuffled order.
     */
    static List<Hostile> generate(long seed, int maxRecordBytes, int malformedPerKind, int goodCount, int jpegFlips) {
        HostileRecords g = new HostileRecords(seed, maxRecordBytes);
        g.malformed(malformedPerKind);
        for (int i = 0; i < goodCount; i++) {
            g.good(i);
        }
        for (int i = 0; i < jpegFlips; i++) {
            byte[] jpeg = g.pick(g.jpegs);
            g.add(Expect.EITHER, "jpeg bit flips", g.flipBits(jpeg, 1 + g.random.nextInt(3)), g.label());
        }
        List<Hostile> all = new ArrayList<>(g.out);
        java.util.Collections.shuffle(all, g.random);
        return all;
    }

    private void malformed(int n) {
        repeat(n, i -> { // random bytes, any length up to 4 KiB, sometimes claiming an image type
            byte[] noise = new byte[1 + random.nextInt(4096)];
            random.nextBytes(noise);
            String type = pick(List.of("", "image/png", "image/jpeg", "image/gif", "image/bmp",
                    "application/octet-stream"));
            bad("random bytes", noise, type.isEmpty() ? label() : withType(label(), type));
        });
        repeat(n, i -> { // an image type's magic number followed by noise
            byte[] magic = pick(List.of(pick(pngs), pick(jpegs), HostileImages.encoded("gif", 8, 8, i),
                    HostileImages.encoded("bmp", 8, 8, i)));
            byte[] value = new byte[16 + random.nextInt(2048)];
            random.nextBytes(value);
            System.arraycopy(magic, 0, value, 0, 8);
            bad("magic number then noise", value, label());
        });
        repeat(n, i -> {
            byte[] png = pick(pngs);
            bad("truncated png", Arrays.copyOf(png, random.nextInt(png.length)), label());
        });
        repeat(n, i -> {
            byte[] jpeg = pick(jpegs);
            bad("truncated jpeg", Arrays.copyOf(jpeg, random.nextInt(jpeg.length)), label());
        });
        repeat(n, i -> bad("png bit flips", flipBits(pick(pngs), 1 + random.nextInt(3)), label()));
        repeat(n, i -> { // decompression bombs: small records declaring huge images
            int w = 20000 + random.nextInt(45000);
            int h = 20000 + random.nextInt(45000);
            switch (i % 6) {
                case 0 -> bad("bomb png", HostileImages.pngDeclaring(w, h), label());
                case 1 -> bad("bomb jpeg", HostileImages.jpegDeclaring(w, h, i % 12 == 1), label());
                case 2 -> bad("bomb gif", HostileImages.gifDeclaring(w, h), label());
                case 3 -> bad("bomb bmp", HostileImages.bmpDeclaring(w, h), label());
                case 4 -> bad("bomb raw", new byte[64], raw(label(), String.valueOf(w), String.valueOf(h),
                        pick(List.of("1", "3"))));
                default -> bad("bomb raw", new byte[64], raw(label(),
                        pick(List.of("2147483647", "99999", "4096")), pick(List.of("2147483647", "4096", "65536")),
                        pick(List.of("3", "1", "3000000", "0", "-3", "4"))));
            }
        });
        repeat(n, i -> { // labels: missing, negative, out of range, not a number, empty, no value, invalid UTF-8
            byte[] png = pick(pngs);
            switch (i % 7) {
                case 0 -> bad("label missing", png, List.of(new Header("content-type", utf8("image/png"))));
                case 1 -> bad("label negative", png, header("label", "-" + (1 + random.nextInt(1000))));
                case 2 -> bad("label out of range", png,
                        header("label", String.valueOf(CLASSES + random.nextInt(Integer.MAX_VALUE - CLASSES))));
                case 3 -> bad("label not a number", png, header("label", pick(List.of("abc", "1.5", "0x3", "1e3",
                        "\u0663", "99999999999", "3 4", "NaN", "-", "+", "seven", "2147483648", "\u00003"))));
                case 4 -> bad("label empty", png, header("label", pick(List.of("", " ", "\t"))));
                case 5 -> bad("label without value", png, List.of(new Header("label", null)));
                default -> bad("label not UTF-8", png,
                        List.of(new Header("label", new byte[] {(byte) 0xC3, (byte) 0x28, '1'})));
            }
        });
        repeat(n, i -> { // empty values: zero bytes or none at all (a tombstone)
            List<Header> headers = pick(List.of(label(), withType(label(), "image/png"),
                    raw(label(), "28", "28", "1")));
            bad(i % 2 == 0 ? "empty value" : "null value", i % 2 == 0 ? new byte[0] : null, headers);
        });
        repeat(n, i -> { // above the configured maximum record size, some of them otherwise valid raw images
            int size = maxRecordBytes + 1 + random.nextInt(maxRecordBytes);
            if (i % 2 == 0) {
                int side = (int) Math.ceil(Math.sqrt(size));
                byte[] pixels = new byte[side * side];
                random.nextBytes(pixels);
                bad("oversized raw image", pixels, raw(label(), String.valueOf(side), String.valueOf(side), "1"));
            } else {
                byte[] value = new byte[size];
                random.nextBytes(value);
                bad("oversized bytes", value, label());
            }
        });
        repeat(n, i -> { // content type and raw size headers
            byte[] pixels = new byte[28 * 28];
            switch (i % 6) {
                case 0 -> bad("unknown content-type", pick(pngs), withType(label(),
                        pick(List.of("text/plain", "image/webp", "image/tiff", "\u0000", "image/png/x"))));
                case 1 -> bad("raw size header missing", pixels, dropOne(raw(label(), "28", "28", "1")));
                case 2 -> bad("raw size mismatch", Arrays.copyOf(pixels, 28 * 28 + (random.nextBoolean() ? -1 : 1)),
                        raw(label(), "28", "28", "1"));
                case 3 -> bad("raw channels invalid", pixels, raw(label(), "28", "28",
                        pick(List.of("0", "2", "4", "-1", "three"))));
                case 4 -> bad("raw size not a number", pixels, raw(label(), pick(List.of("0", "-28", "28.0", "",
                        "0x1c")), "28", "1"));
                default -> bad("formats outside the wire format", i % 12 == 5 ? HostileImages.wbmp(28, 28)
                        : tiff(), label());
            }
        });
    }

    private void good(int i) {
        LabeledImage s = shapes.get(i % shapes.size());
        List<Header> labelled = header("label", String.valueOf(s.label()));
        switch (i % 8) {
            case 0 -> add(Expect.TRAIN, "good png", ImageRecordEncoder.png().encode(s).value(),
                    withType(labelled, "image/png"));
            case 1 -> add(Expect.TRAIN, "good jpeg", encode("jpg", s), labelled);
            case 2 -> add(Expect.TRAIN, "good bmp", encode("bmp", s), withType(labelled, "image/bmp"));
            case 3 -> add(Expect.TRAIN, "good gif", encode("gif", s), labelled);
            case 4 -> add(Expect.TRAIN, "good raw", s.pixels().clone(),
                    raw(labelled, String.valueOf(s.width()), String.valueOf(s.height()), "1"));
            case 5 -> { // 56x56 RGB: resized and converted to the network input
                PixelBuffer rgb = PixelConversions.resize(PixelConversions.toChannels(
                        new PixelBuffer(s.width(), s.height(), 1, s.pixels()), 3), 56, 56);
                add(Expect.TRAIN, "good rgb png", ImageRecordEncoder.encodePng(rgb),
                        withType(labelled, "Image/PNG; charset=binary"));
            }
            case 6 -> { // exactly the maximum record size
                int side = (int) Math.sqrt(maxRecordBytes);
                byte[] pixels = PixelConversions.resize(new PixelBuffer(s.width(), s.height(), 1, s.pixels()),
                        side, side).data();
                add(Expect.TRAIN, "good raw at the size limit", pixels,
                        raw(labelled, String.valueOf(side), String.valueOf(side), "1"));
            }
            default -> { // valid PNG with a compressed comment that inflates to 8 MiB: never inflated
                byte[] png = HostileImages.pngWithCompressedChunk(i % 16 == 7 ? "iCCP" : "zTXt", 8L << 20);
                add(Expect.TRAIN, "good png with metadata bomb", png, header("label", "+" + i % CLASSES));
            }
        }
    }

    private void bad(String kind, byte[] value, List<Header> headers) {
        add(Expect.DEAD_LETTER, kind, value, headers);
    }

    private void add(Expect expect, String kind, byte[] value, List<Header> headers) {
        String id = switch (expect) {
            case DEAD_LETTER -> "bad-" + bad++;
            case TRAIN -> "good-" + good++;
            case EITHER -> "maybe-" + maybe++;
        };
        List<Header> withId = headers;
        if (expect != Expect.DEAD_LETTER) {
            // The id the job reports in the audit topic when it trains on the image.
            withId = new ArrayList<>(headers);
            withId.add(new Header("id", utf8(id)));
        }
        out.add(new Hostile(id, kind, expect, value, withId));
    }

    private void repeat(int n, Consumer<Integer> body) {
        for (int i = 0; i < n; i++) {
            body.accept(i);
        }
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private List<Header> label() {
        return header("label", String.valueOf(random.nextInt(CLASSES)));
    }

    /** {@code flips} distinct bits inverted (the same bit twice would give the original back). */
    private byte[] flipBits(byte[] bytes, int flips) {
        java.util.Set<Integer> bits = new java.util.HashSet<>();
        while (bits.size() < flips) {
            bits.add(random.nextInt(bytes.length * 8));
        }
        byte[] out = bytes;
        for (int bit : bits) {
            out = HostileImages.flipBit(out, bit);
        }
        return out;
    }

    private List<Header> dropOne(List<Header> headers) {
        List<Header> copy = new ArrayList<>(headers);
        copy.remove(2 + random.nextInt(3)); // one of width, height, channels (after label and content-type)
        return copy;
    }

    private static List<Header> header(String name, String value) {
        return List.of(new Header(name, utf8(value)));
    }

    private static List<Header> withType(List<Header> headers, String type) {
        List<Header> copy = new ArrayList<>(headers);
        copy.add(new Header("content-type", utf8(type)));
        return copy;
    }

    private static List<Header> raw(List<Header> labelled, String width, String height, String channels) {
        List<Header> copy = new ArrayList<>(withType(labelled, "image/x-raw-u8"));
        copy.add(new Header("width", utf8(width)));
        copy.add(new Header("height", utf8(height)));
        copy.add(new Header("channels", utf8(channels)));
        return copy;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] encode(String format, LabeledImage image) {
        return write(format, PixelConversions.toBufferedImage(
                new PixelBuffer(image.width(), image.height(), image.channels(), image.pixels())));
    }

    private static byte[] tiff() {
        return write("tiff", PixelConversions.toBufferedImage(new PixelBuffer(28, 28, 1, new byte[28 * 28])));
    }

    private static byte[] write(String format, java.awt.image.BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
