package io.embedstream.connectors.model;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The bytes a manifest signature covers: every field of the manifest JSON except {@code "signature"}, in a canonical
 * text that does not depend on how the JSON was laid out (compact on the wire, indented in a model directory) or on
 * the runtime that wrote it.
 *
 * <p>The text is {@code embedstream-manifest-signature-v1\n} followed by the JSON value written with: object keys
 * sorted (by UTF-16 code units), no whitespace, strings escaped as JSON requires, integers in plain decimal, and
 * other numbers as the exact decimal of their JSON text with trailing zeros stripped
 * ({@link BigDecimal#stripTrailingZeros()} then {@link BigDecimal#toString()}). Numbers are never converted to
 * binary floating point, so a signer and a verifier on different JVMs agree on every digit.
 */
public final class ManifestCanonicalForm {

    static final String SIGNATURE_FIELD = "signature";
    private static final String PREFIX = "embedstream-manifest-signature-v1\n";
    private static final ObjectMapper EXACT = new ObjectMapper()
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private ManifestCanonicalForm() {
    }

    /**
     * The signed bytes of a manifest given as JSON.
     *
     * @throws ModelFormatException if the bytes are not a JSON object
     */
    public static byte[] signedBytes(byte[] manifestJson) {
        JsonNode root;
        try {
            root = EXACT.readTree(manifestJson);
        } catch (IOException e) {
            throw new ModelFormatException("manifest is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException("manifest is not a JSON object");
        }
        StringBuilder out = new StringBuilder(PREFIX);
        writeObject(root, out, true);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            writeObject(node, out, false);
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            writeString(node.textValue(), out);
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue().toString());
        } else if (node.isNumber()) {
            BigDecimal exact = node.decimalValue();
            out.append(exact.signum() == 0 ? "0" : exact.stripTrailingZeros().toString());
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else if (node.isNull()) {
            out.append("null");
        } else {
            throw new ModelFormatException("manifest holds a value JSON cannot carry: " + node.getNodeType());
        }
    }

    private static void writeObject(JsonNode node, StringBuilder out, boolean top) {
        List<String> names = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String name = it.next().getKey();
            if (!(top && SIGNATURE_FIELD.equals(name))) {
                names.add(name);
            }
        }
        names.sort(null);
        out.append('{');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            writeString(names.get(i), out);
            out.append(':');
            write(node.get(names.get(i)), out);
        }
        out.append('}');
    }

    private static void writeString(String text, StringBuilder out) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        out.append('"');
    }
}
