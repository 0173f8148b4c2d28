package io.embedstream.connectors.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import javax.imageio.ImageIO;

import io.embedstream.types.LabeledImage;

/**
 * Writes a {@link LabeledImage} in the image input format (see {@link ImageHeaders}) so that
 * {@link ImageRecordDecoder} gives back identical pixels, id and label.
 *
 * <p>Record key: the image id in UTF-8, so that the default partitioner spreads images and a re-sent image lands
 * on the same partition. Thread-safe.
 */
public final class ImageRecordEncoder implements java.io.Serializable {

    // Serializable so a Flink function can hold one as a field; it carries configuration only.
    private static final long serialVersionUID = 1L;

    /** Value encodings. */
    public enum Format {
        /** Lossless PNG (8-bit gray or RGB), {@code content-type: image/png}. The default. */
        PNG,
        /** Raw HWC u8 pixels, {@code content-type: image/x-raw-u8} plus width/height/channels headers. */
        RAW
    }

    private final Format format;

    private ImageRecordEncoder(Format format) {
        this.format = format;
    }

    /** An encoder writing PNG. */
    public static ImageRecordEncoder png() {
        return new ImageRecordEncoder(Format.PNG);
    }

    /** An encoder writing raw u8 pixels. */
    public static ImageRecordEncoder raw() {
        return new ImageRecordEncoder(Format.RAW);
    }

    /** An encoder for the given format. */
    public static ImageRecordEncoder of(Format format) {
        return new ImageRecordEncoder(Objects.requireNonNull(format, "format"));
    }

    public Format format() {
        return format;
    }

    /** Encodes one image with headers {@code label}, {@code id}, {@code content-type} (and size headers for RAW). */
    public ImageRecord encode(LabeledImage image) {
        WireHeaders headers = WireHeaders.empty()
                .with(ImageHeaders.LABEL, Integer.toString(image.label()))
                .with(ImageHeaders.ID, image.id());
        byte[] value;
        if (format == Format.PNG) {
            headers = headers.with(ImageHeaders.CONTENT_TYPE, ImageHeaders.PNG);
            value = encodePng(new PixelBuffer(image.width(), image.height(), image.channels(), image.pixels()));
        } else {
            headers = headers.with(ImageHeaders.CONTENT_TYPE, ImageHeaders.RAW_U8)
                    .with(ImageHeaders.WIDTH, Integer.toString(image.width()))
                    .with(ImageHeaders.HEIGHT, Integer.toString(image.height()))
                    .with(ImageHeaders.CHANNELS, Integer.toString(image.channels()));
            value = image.pixels().clone();
        }
        return new ImageRecord(image.id().getBytes(StandardCharsets.UTF_8), value, headers);
    }

    /** PNG bytes of the pixels (8-bit gray for 1 channel, 8-bit RGB for 3). */
    public static byte[] encodePng(PixelBuffer pixels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(pixels.data().length / 2 + 64);
        try {
            if (!ImageIO.write(PixelConversions.toBufferedImage(pixels), "png", out)) {
                throw new IllegalStateException("no ImageIO PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        }
        return out.toByteArray();
    }
}
