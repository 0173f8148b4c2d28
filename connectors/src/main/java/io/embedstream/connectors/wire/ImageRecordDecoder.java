package io.embedstream.connectors.wire;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.embedstream.connectors.wire.DecodeResult.Decoded;
import io.embedstream.connectors.wire.DecodeResult.Rejected;
import io.embedstream.types.FitMode;
import io.embedstream.types.LabeledImage;

/**
 * Turns one record of the image input topic (see {@link ImageHeaders}) into a {@link LabeledImage}, or a
 * {@link Rejected} with a precise reason. Never throws on any value bytes or headers.
 *
 * <p>Checks, in order: value present and at most {@code maxRecordBytes}; {@code label} header a decimal integer
 * in [0, classes) or, where accepted, a class name ({@link LabelHeader}); {@code content-type} known; image size from the header (raw size headers, or the encoded
 * image's header via {@link ImageReader#getWidth(int)} before any pixel is decoded) at most {@code maxPixels};
 * pixels decoded; fitted to the target shape (see {@link MismatchPolicy}). The size check before decoding is
 * what stops decompression bombs: a small PNG declaring 100000x100000 is refused without allocating its raster.
 *
 * <p>Thread-safe: instances hold only configuration.
 */
public final class ImageRecordDecoder implements java.io.Serializable {

    // Serializable so a Flink function can hold one as a field; it carries configuration only.
    private static final long serialVersionUID = 1L;

    /** Default {@code maxRecordBytes}: 4 MiB. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 4 * 1024 * 1024;
    /** Default {@code maxPixels}: 4096 * 4096. */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096L;
    /** Returned for bytes no ImageIO reader recognises. */
    public static final String NOT_AN_IMAGE = "not a decodable image (PNG/JPEG/BMP/GIF or image/x-raw-u8)";

    private static final int MAX_QUOTED_CHARS = 40;
    private static final int MAX_QUOTED_WARNING_CHARS = 120;
    /** Upper-case ImageIO format names of the encodings the wire format accepts. */
    private static final Set<String> ACCEPTED_FORMATS = Set.of("PNG", "JPEG", "BMP", "GIF");

    private final int classes;
    private final int targetWidth;
    private final int targetHeight;
    private final int targetChannels;
    private final MismatchPolicy mismatchPolicy;
    private final FitMode fitMode;
    private final int maxRecordBytes;
    private final long maxPixels;
    private final boolean names;

    private ImageRecordDecoder(Builder b) {
        this.classes = b.classes;
        this.targetWidth = b.targetWidth;
        this.targetHeight = b.targetHeight;
        this.targetChannels = b.targetChannels;
        this.mismatchPolicy = b.mismatchPolicy;
        this.fitMode = b.fitMode;
        this.maxRecordBytes = b.maxRecordBytes;
        this.maxPixels = b.maxPixels;
        this.names = b.names;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Decodes a consumed Kafka record (key ignored). */
    public DecodeResult decode(ConsumerRecord<byte[], byte[]> record) {
        return decode(record.value(), WireHeaders.fromKafka(record.headers()),
                new RecordSource(record.topic(), record.partition(), record.offset()));
    }

    /**
     * Decodes one record.
     *
     * @param value   record value; null is rejected
     * @param headers record headers
     * @param source  topic, partition and offset, for the default id
     * @return the image, or why not; never null, never throws
     */
    public DecodeResult decode(byte[] value, WireHeaders headers, RecordSource source) {
        try {
            return decodeUnchecked(value, headers == null ? WireHeaders.empty() : headers, source);
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            // Last line of defence: ImageIO plugins throw assorted runtime exceptions on hostile input. An
            // OutOfMemoryError here comes from one oversized allocation for this record and is recoverable.
            return new Rejected("unexpected decoder failure: " + describe(e), DecodeResult.STAGE_DECODE);
        }
    }

    private DecodeResult decodeUnchecked(byte[] value, WireHeaders headers, RecordSource source) {
        if (value == null) {
            return new Rejected("record has no value (null)", DecodeResult.STAGE_RECORD);
        }
        if (value.length > maxRecordBytes) {
            return new Rejected("record of " + value.length + " bytes exceeds max " + maxRecordBytes,
                    DecodeResult.STAGE_RECORD);
        }
        LabelHeader label = LabelHeader.parse(headers.bytes(ImageHeaders.LABEL).orElse(null), classes, names);
        if (label.refused()) {
            return new Rejected(label.reason(), DecodeResult.STAGE_HEADERS);
        }
        String id = headers.string(ImageHeaders.ID).filter(s -> !s.isEmpty()).orElseGet(source::toString);

        String contentType = headers.string(ImageHeaders.CONTENT_TYPE)
                .map(ImageRecordDecoder::mediaType).orElse("");
        DecodeStep<PixelBuffer> pixels;
        switch (contentType) {
            case ImageHeaders.RAW_U8 -> pixels = decodeRaw(value, headers);
            case "", ImageHeaders.PNG, ImageHeaders.JPEG, "image/jpg", ImageHeaders.BMP, "image/x-ms-bmp",
                    ImageHeaders.GIF, ImageHeaders.OCTET_STREAM -> pixels = decodeEncoded(value);
            default -> {
                return new Rejected("unsupported content-type '" + quote(contentType) + "' (expected image/png, "
                        + "image/jpeg, image/bmp, image/gif, image/x-raw-u8 or none)", DecodeResult.STAGE_HEADERS);
            }
        }
        if (pixels.rejected() != null) {
            return pixels.rejected();
        }
        DecodeStep<PixelBuffer> fitted = fit(pixels.value());
        if (fitted.rejected() != null) {
            return fitted.rejected();
        }
        PixelBuffer out = fitted.value();
        return new Decoded(new LabeledImage(id, label.index(), out.width(), out.height(), out.channels(), out.data()),
                label.name());
    }

    private DecodeStep<PixelBuffer> decodeRaw(byte[] value, WireHeaders headers) {
        DecodeStep<Integer> width = positiveHeader(headers, ImageHeaders.WIDTH);
        if (width.rejected() != null) {
            return DecodeStep.rejected(width.rejected());
        }
        DecodeStep<Integer> height = positiveHeader(headers, ImageHeaders.HEIGHT);
        if (height.rejected() != null) {
            return DecodeStep.rejected(height.rejected());
        }
        DecodeStep<Integer> channels = positiveHeader(headers, ImageHeaders.CHANNELS);
        if (channels.rejected() != null) {
            return DecodeStep.rejected(channels.rejected());
        }
        int w = width.value();
        int h = height.value();
        int c = channels.value();
        if (c != 1 && c != 3) {
            return DecodeStep.rejected(new Rejected("header 'channels' must be 1 or 3, got " + c,
                    DecodeResult.STAGE_HEADERS));
        }
        DecodeStep<PixelBuffer> tooLarge = checkDeclaredSize(w, h);
        if (tooLarge != null) {
            return tooLarge;
        }
        long expected = (long) w * h * c;
        if (value.length < expected) {
            return DecodeStep.rejected(new Rejected("truncated raw image: " + value.length + " bytes, expected "
                    + w + "x" + h + "x" + c + " = " + expected, DecodeResult.STAGE_DECODE));
        }
        if (value.length > expected) {
            return DecodeStep.rejected(new Rejected("raw image has " + value.length + " bytes, expected "
                    + w + "x" + h + "x" + c + " = " + expected + " (trailing bytes)", DecodeResult.STAGE_DECODE));
        }
        return DecodeStep.of(new PixelBuffer(w, h, c, value.clone()));
    }

    private DecodeStep<PixelBuffer> decodeEncoded(byte[] value) {
        if (value.length == 0) {
            return DecodeStep.rejected(new Rejected("empty value: " + NOT_AN_IMAGE, DecodeResult.STAGE_DECODE));
        }
        if (PngStructure.hasSignature(value)) {
            String defect = PngStructure.defect(value);
            if (defect != null) {
                return DecodeStep.rejected(new Rejected(defect, DecodeResult.STAGE_DECODE));
            }
        }
        // MemoryCacheImageInputStream: never spills to a temp file, whatever ImageIO.setUseCache says globally.
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(value))) {
            ImageReader reader = acceptedReader(input);
            if (reader == null) {
                return DecodeStep.rejected(new Rejected(NOT_AN_IMAGE, DecodeResult.STAGE_DECODE));
            }
            String format = formatName(reader);
            List<String> warnings = new ArrayList<>(1);
            try {
                reader.setInput(input, true, true);
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                int width;
                int height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    return DecodeStep.rejected(new Rejected("truncated or corrupt " + format + " header: "
                            + describe(e), DecodeResult.STAGE_DECODE));
                }
                if (width <= 0 || height <= 0) {
                    return DecodeStep.rejected(new Rejected(format + " declares invalid size " + width + "x" + height,
                            DecodeResult.STAGE_DECODE));
                }
                DecodeStep<PixelBuffer> tooLarge = checkDeclaredSize(width, height);
                if (tooLarge != null) {
                    return tooLarge;
                }
                BufferedImage image;
                try {
                    image = reader.read(0);
                } catch (EOFException e) {
                    return DecodeStep.rejected(new Rejected("truncated " + format + " data (" + value.length
                            + " bytes): unexpected end of data", DecodeResult.STAGE_DECODE));
                } catch (IOException | RuntimeException e) {
                    return DecodeStep.rejected(new Rejected("truncated or corrupt " + format + " data: " + describe(e),
                            DecodeResult.STAGE_DECODE));
                }
                if (image == null) {
                    return DecodeStep.rejected(new Rejected(format + " reader returned no image",
                            DecodeResult.STAGE_DECODE));
                }
                if (!warnings.isEmpty()) {
                    // The reader repaired the data (libjpeg fills a truncated or desynchronised scan with grey):
                    // the pixels are not what the producer sent, so the record is refused rather than trained on.
                    return DecodeStep.rejected(new Rejected("corrupt " + format + " data: "
                            + quote(warnings.get(0), MAX_QUOTED_WARNING_CHARS), DecodeResult.STAGE_DECODE));
                }
                return DecodeStep.of(PixelConversions.fromBufferedImage(image));
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            return DecodeStep.rejected(new Rejected("cannot read image bytes: " + describe(e), DecodeResult.STAGE_DECODE));
        }
    }

    /**
     * The first reader for the bytes among the documented formats. ImageIO also offers TIFF and WBMP; WBMP has no
     * magic number (two zero bytes and a size), so random bytes could pass for one, and neither is part of the
     * wire format.
     */
    private static ImageReader acceptedReader(ImageInputStream input) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            if (ACCEPTED_FORMATS.contains(formatName(reader))) {
                return reader;
            }
            reader.dispose();
        }
        return null;
    }

    private DecodeStep<PixelBuffer> checkDeclaredSize(int width, int height) {
        if ((long) width * height > maxPixels) {
            return DecodeStep.rejected(new Rejected("declared size " + width + "x" + height + " exceeds max pixels "
                    + maxPixels, DecodeResult.STAGE_DECODE));
        }
        return null;
    }

    private DecodeStep<PixelBuffer> fit(PixelBuffer pixels) {
        int channels = targetChannels == 0 ? pixels.channels() : targetChannels;
        int width = targetWidth == 0 ? pixels.width() : targetWidth;
        int height = targetHeight == 0 ? pixels.height() : targetHeight;
        if (channels == pixels.channels() && width == pixels.width() && height == pixels.height()) {
            return DecodeStep.of(pixels);
        }
        if (mismatchPolicy == MismatchPolicy.REJECT) {
            return DecodeStep.rejected(new Rejected("image is " + pixels.shape() + ", expected " + width + "x" + height
                    + "x" + channels, DecodeResult.STAGE_CONVERT));
        }
        return DecodeStep.of(PixelConversions.fit(PixelConversions.toChannels(pixels, channels), width, height, fitMode));
    }

    private static DecodeStep<Integer> positiveHeader(WireHeaders headers, String name) {
        Optional<String> text = headers.string(name);
        if (text.isEmpty()) {
            return DecodeStep.rejected(new Rejected("missing header '" + name + "' (required with content-type "
                    + ImageHeaders.RAW_U8 + ")", DecodeResult.STAGE_HEADERS));
        }
        String trimmed = text.get().strip();
        if (!LabelHeader.DECIMAL.matcher(trimmed).matches()) {
            return DecodeStep.rejected(new Rejected("header '" + name + "' value '" + quote(text.get())
                    + "' is not a decimal integer", DecodeResult.STAGE_HEADERS));
        }
        long value = Long.parseLong(trimmed);
        if (value <= 0 || value > Integer.MAX_VALUE) {
            return DecodeStep.rejected(new Rejected("header '" + name + "' must be a positive int, got " + value,
                    DecodeResult.STAGE_HEADERS));
        }
        return DecodeStep.of((int) value);
    }

    /** The media type without parameters, lower case: {@code "Image/PNG; x=1"} → {@code "image/png"}. */
    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.strip().toLowerCase(Locale.ROOT);
    }

    private static String formatName(ImageReader reader) {
        try {
            return reader.getFormatName().toUpperCase(Locale.ROOT);
        } catch (IOException | RuntimeException e) {
            return "image";
        }
    }

    /** Header text for a reason: control characters escaped, long values cut. */
    static String quote(String text) {
        return quote(text, MAX_QUOTED_CHARS);
    }

    private static String quote(String text, int maxChars) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && i < maxChars; i++) {
            char ch = text.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                sb.append(String.format("\\x%02x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        if (text.length() > maxChars) {
            sb.append("...");
        }
        return sb.toString();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + message;
    }

    /** Either a value or a rejection, for the internal steps. */
    private record DecodeStep<T>(T value, Rejected rejected) {
        static <T> DecodeStep<T> of(T value) {
            return new DecodeStep<>(value, null);
        }

        static <T> DecodeStep<T> rejected(Rejected rejected) {
            return new DecodeStep<>(null, rejected);
        }
    }

    /**
     * Settings of an {@link ImageRecordDecoder}. Only {@link #classes(int)} is required.
     *
     * <p>The target shape is the network input. Each of width, height and channels defaults to 0, meaning "keep
     * what the record has"; set all three to get a fixed input shape.
     */
    public static final class Builder {
        private int classes;
        private int targetWidth;
        private int targetHeight;
        private int targetChannels;
        private MismatchPolicy mismatchPolicy = MismatchPolicy.CONVERT;
        private FitMode fitMode = FitMode.STRETCH;
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
        private long maxPixels = DEFAULT_MAX_PIXELS;
        private boolean names;

        private Builder() {
        }

        /** Number of classes: labels must be in [0, classes). Required, &gt; 0. */
        public Builder classes(int classes) {
            if (classes <= 0) {
                throw new IllegalArgumentException("classes must be > 0, got " + classes);
            }
            this.classes = classes;
            return this;
        }

        /** Target width, height and channels (1 or 3) in one call. Default 0, 0, 0: keep the record's shape. */
        public Builder target(int width, int height, int channels) {
            return targetWidth(width).targetHeight(height).targetChannels(channels);
        }

        /** Target width in pixels; 0 = keep. Default 0. */
        public Builder targetWidth(int width) {
            this.targetWidth = nonNegative(width, "target width");
            return this;
        }

        /** Target height in pixels; 0 = keep. Default 0. */
        public Builder targetHeight(int height) {
            this.targetHeight = nonNegative(height, "target height");
            return this;
        }

        /** Target channels: 1 (gray), 3 (RGB) or 0 = keep. Default 0. */
        public Builder targetChannels(int channels) {
            if (channels != 0 && channels != 1 && channels != 3) {
                throw new IllegalArgumentException("target channels must be 0, 1 or 3, got " + channels);
            }
            this.targetChannels = channels;
            return this;
        }

        /** What to do when the image does not have the target shape. Default {@link MismatchPolicy#CONVERT}. */
        public Builder mismatchPolicy(MismatchPolicy policy) {
            this.mismatchPolicy = java.util.Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** How a converted image of another aspect ratio is fitted to the target. Default {@link FitMode#STRETCH}. */
        public Builder fitMode(FitMode mode) {
            this.fitMode = java.util.Objects.requireNonNull(mode, "fit mode");
            return this;
        }

        /** Largest accepted value in bytes. Default 4 MiB (4,194,304). */
        public Builder maxRecordBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("max record bytes must be > 0, got " + bytes);
            }
            this.maxRecordBytes = bytes;
            return this;
        }

        /** Largest accepted declared width * height. Default 4096 * 4096 = 16,777,216. */
        public Builder maxPixels(long pixels) {
            if (pixels <= 0) {
                throw new IllegalArgumentException("max pixels must be > 0, got " + pixels);
            }
            this.maxPixels = pixels;
            return this;
        }

        /**
         * Whether a {@code label} may be a class name (see {@link LabelHeader}); the decoded image then has label
         * -1 and {@link DecodeResult.Decoded#labelName()} the name. Default false: integers only.
         */
        public Builder classNames(boolean accept) {
            this.names = accept;
            return this;
        }

        public ImageRecordDecoder build() {
            if (classes <= 0) {
                throw new IllegalStateException("classes is required");
            }
            return new ImageRecordDecoder(this);
        }

        private static int nonNegative(int value, String what) {
            if (value < 0) {
                throw new IllegalArgumentException(what + " must be >= 0, got " + value);
            }
            return value;
        }
    }
}
