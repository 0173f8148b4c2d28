package io.embedstream.connectors.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The {@code label} header: a class index (a decimal integer in [0, classes), as it always was) or, where the
 * reader accepts them, a class name (any UTF-8 text of at most {@link #MAX_NAME_BYTES} bytes, without control
 * characters) that the job's class registry turns into an index.
 *
 * @param index  the class index, or -1 for a name
 * @param name   the class name, or null for an index
 * @param reason why the header is refused, or null
 */
public record LabelHeader(int index, String name, String reason) {
    /** Longest class name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 256;

    // Up to 10 digits: enough for any int, small enough that parsing cannot overflow a long.
    static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]{1,10}");

    public boolean refused() {
        return reason != null;
    }

    /**
     * @param raw     the header's bytes, or null when it is missing
     * @param classes labels given as integers must be in [0, classes)
     * @param names   whether class names are accepted
     */
    public static LabelHeader parse(byte[] raw, int classes, boolean names) {
        if (raw == null) {
            return refuse("missing header '" + ImageHeaders.LABEL + "'");
        }
        if (names && raw.length > MAX_NAME_BYTES) {
            return refuse("label of " + raw.length + " bytes exceeds the " + MAX_NAME_BYTES + "-byte limit");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return refuse(names ? "label is not valid UTF-8" : "label '"
                    + quote(new String(raw, StandardCharsets.UTF_8)) + "' is not a decimal integer");
        }
        String stripped = text.strip(); // whitespace only: a NUL or other control byte is neither number nor name
        if (DECIMAL.matcher(stripped).matches()) {
            long value = Long.parseLong(stripped);
            if (value < 0 || value >= classes) {
                return refuse("label " + value + " out of range [0, " + classes + ")");
            }
            return new LabelHeader((int) value, null, null);
        }
        if (!names) {
            return refuse("label '" + quote(text) + "' is not a decimal integer");
        }
        if (stripped.isEmpty()) {
            return refuse("label is empty");
        }
        for (int i = 0; i < stripped.length(); i++) {
            if (Character.isISOControl(stripped.charAt(i))) {
                return refuse(String.format("label '%s' contains the control character U+%04X",
                        quote(stripped), (int) stripped.charAt(i)));
            }
        }
        return new LabelHeader(-1, stripped, null);
    }

    private static LabelHeader refuse(String reason) {
        return new LabelHeader(-1, null, reason);
    }

    private static String quote(String text) {
        return ImageRecordDecoder.quote(text);
    }
}
