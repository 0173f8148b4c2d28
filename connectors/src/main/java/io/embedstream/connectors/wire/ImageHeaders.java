package io.embedstream.connectors.wire;

/**
 * Header names and content types of the image input topic (default {@value #DEFAULT_TOPIC}).
 *
 * <p>Record value: an encoded image (anything ImageIO decodes: PNG, JPEG, BMP, GIF) or raw 8-bit pixels.
 * Header values are UTF-8 text; numbers are decimal.
 */
public final class ImageHeaders {

    /** Default input topic. */
    public static final String DEFAULT_TOPIC = "images";
    /** Required: class label, a decimal integer in [0, classes). */
    public static final String LABEL = "label";
    /** Optional: image id; default {@code topic-partition-offset}. */
    public static final String ID = "id";
    /** Optional: media type of the value; absent means "sniff the encoded image format". */
    public static final String CONTENT_TYPE = "content-type";
    /** Width in pixels; required with {@link #RAW_U8}. */
    public static final String WIDTH = "width";
    /** Height in pixels; required with {@link #RAW_U8}. */
    public static final String HEIGHT = "height";
    /** Channels, 1 (gray) or 3 (RGB); required with {@link #RAW_U8}. */
    public static final String CHANNELS = "channels";

    /** Raw pixels: u8, row-major, channels interleaved (HWC), exactly width*height*channels bytes. */
    public static final String RAW_U8 = "image/x-raw-u8";
    public static final String PNG = "image/png";
    public static final String JPEG = "image/jpeg";
    public static final String BMP = "image/bmp";
    public static final String GIF = "image/gif";
    /** Generic bytes: treated like an absent content type (the image format is sniffed). */
    public static final String OCTET_STREAM = "application/octet-stream";

    private ImageHeaders() {
    }
}
