package io.embedstream.connectors.wire;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Checks the chunk structure of a PNG before ImageIO sees it: signature, IHDR first, every chunk complete with a
 * matching CRC-32, and an IEND chunk. ImageIO's PNG reader verifies no CRC and stops once it has the pixels, so
 * without this a PNG with flipped bits in its compressed data, or one cut short after its last IDAT chunk, decodes
 * into a silently different image. CRC-32 detects every single-bit error and every burst of up to 32 bits in a
 * chunk. Bytes after IEND are ignored, as every PNG decoder does.
 */
final class PngStructure {
    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int IHDR_LENGTH = 13;

    private PngStructure() {}

    /** Whether the bytes start with the PNG signature. */
    static boolean hasSignature(byte[] bytes) {
        if (bytes.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (bytes[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first structural defect of a PNG (whose signature {@link #hasSignature} accepted), or null when every
     * chunk up to IEND is complete and intact. Allocates nothing proportional to the input.
     */
    static String defect(byte[] png) {
        CRC32 crc = new CRC32();
        int at = SIGNATURE.length;
        boolean first = true;
        while (true) {
            if (png.length - at < 12) {
                return "truncated PNG: " + (first ? "no IHDR chunk" : "no IEND chunk") + " (" + png.length + " bytes)";
            }
            long length = readInt(png, at) & 0xFFFFFFFFL;
            String type = new String(png, at + 4, 4, StandardCharsets.ISO_8859_1);
            if (length > png.length - at - 12L) {
                return "truncated PNG: chunk " + printable(type) + " at byte " + at + " declares " + length
                        + " bytes, " + (png.length - at - 12) + " left";
            }
            if (first && (!type.equals("IHDR") || length != IHDR_LENGTH)) {
                return "corrupt PNG: first chunk is " + printable(type) + " of " + length + " bytes, not IHDR of 13";
            }
            int dataEnd = at + 8 + (int) length;
            crc.reset();
            crc.update(png, at + 4, 4 + (int) length);
            if ((int) crc.getValue() != readInt(png, dataEnd)) {
                return "corrupt PNG: CRC mismatch in chunk " + printable(type) + " at byte " + at;
            }
            if (type.equals("IEND")) {
                return null;
            }
            first = false;
            at = dataEnd + 4;
        }
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static String printable(String type) {
        StringBuilder sb = new StringBuilder("'");
        for (char ch : type.toCharArray()) {
            sb.append(ch >= 0x21 && ch < 0x7f ? String.valueOf(ch) : String.format("\\x%02x", (int) ch));
        }
        return sb.append('\'').toString();
    }
}
