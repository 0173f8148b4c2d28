package io.embedstream.connectors.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A version's class table: one unit-length direction per class (the CM class weights, what "nearest class" compares
 * an embedding with) and, for a stream that names its classes, the name of each class.
 *
 * <p>It travels as its own blob beside the parameters (chunked on the models topic, {@code class_table.bin} in a
 * model directory), so that its size is not limited by the one-record manifest. Layout, readable by numpy and Java
 * without a JSON parser for the big part:
 * <ol>
 *   <li>{@code classes x dimensions} float32 values, little-endian, row after row (row c is class c);</li>
 *   <li>then the names as one UTF-8 JSON array of {@code classes} entries (a string, or null for an index no name
 *       was learnt for), or nothing at all when the stream has integer labels.</li>
 * </ol>
 * {@code classes} and {@code dimensions} are in the manifest ({@link ModelManifest.ClassTableRef}), with the blob's
 * size and SHA-256. In numpy: {@code np.frombuffer(blob, "<f4", classes * dims).reshape(classes, dims)} and
 * {@code json.loads(blob[classes * dims * 4:])}.
 *
 * <p>Immutable: the blob is the one representation, rows are read from it, so the bytes a reader checked against the
 * manifest are the bytes it uses and writes again.
 */
public final class ClassTable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int classes;
    private final int dimensions;
    private final byte[] bytes;
    /** Entry c the name of class c, null where unknown; null when the table names no class. */
    private final List<String> names;

    private ClassTable(int classes, int dimensions, byte[] bytes, List<String> names) {
        this.classes = classes;
        this.dimensions = dimensions;
        this.bytes = bytes;
        this.names = names;
    }

    /**
     * The table of the first {@code classes} rows of {@code weights} ({@code dimensions} values each), each row scaled
     * to unit length.
     *
     * @param names entry c the name of class c (null where unknown), at least {@code classes} entries; null for a
     *              stream with integer labels
     */
    public static ClassTable fromWeights(float[] weights, int classes, int dimensions, List<String> names) {
        if (classes < 1 || dimensions < 1) {
            throw new IllegalArgumentException("a class table needs >= 1 class and dimension, got " + classes + " x "
                    + dimensions);
        }
        if (weights.length < (long) classes * dimensions) {
            throw new IllegalArgumentException("class weights hold " + weights.length + " values, fewer than "
                    + classes + " x " + dimensions);
        }
        if (names != null && names.size() < classes) {
            throw new IllegalArgumentException(names.size() + " class names for " + classes + " classes");
        }
        List<String> kept = names == null ? null
                : Collections.unmodifiableList(new ArrayList<>(names.subList(0, classes)));
        byte[] nameBytes;
        try {
            nameBytes = kept == null ? new byte[0] : JSON.writeValueAsBytes(kept);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is always JSON", e);
        }
        int rowBytes = Math.toIntExact((long) classes * dimensions * Float.BYTES);
        ByteBuffer blob = ByteBuffer.allocate(Math.addExact(rowBytes, nameBytes.length)).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < classes; c++) {
            double norm = 0;
            for (int j = 0; j < dimensions; j++) {
                double v = weights[c * dimensions + j];
                norm += v * v;
            }
            double inv = 1 / Math.sqrt(norm + 1e-12);
            for (int j = 0; j < dimensions; j++) {
                blob.putFloat((float) (weights[c * dimensions + j] * inv));
            }
        }
        blob.put(nameBytes);
        return new ClassTable(classes, dimensions, blob.array(), kept);
    }

    /**
     * Reads a blob of the layout above.
     *
     * @throws ModelFormatException with the reason when the blob is too short for its rows, or what follows them is
     *                              not a JSON array of {@code classes} strings and nulls
     */
    public static ClassTable decode(byte[] blob, int classes, int dimensions) {
        Objects.requireNonNull(blob, "blob");
        if (classes < 1 || dimensions < 1) {
            throw new ModelFormatException("class table of " + classes + " x " + dimensions + ": needs >= 1 class and"
                    + " dimension");
        }
        long rowBytes = (long) classes * dimensions * Float.BYTES;
        if (blob.length < rowBytes) {
            throw new ModelFormatException("class table of " + blob.length + " bytes is shorter than its " + classes
                    + " x " + dimensions + " float32 rows (" + rowBytes + " bytes)");
        }
        List<String> names = null;
        if (blob.length > rowBytes) {
            names = names(blob, (int) rowBytes, classes);
        }
        return new ClassTable(classes, dimensions, blob, names);
    }

    private static List<String> names(byte[] blob, int from, int classes) {
        JsonNode array;
        try {
            array = JSON.readTree(blob, from, blob.length - from);
        } catch (IOException e) {
            throw new ModelFormatException("class table names are not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (array == null || !array.isArray()) {
            throw new ModelFormatException("class table names are not a JSON array");
        }
        if (array.size() != classes) {
            throw new ModelFormatException("class table names hold " + array.size() + " entries for " + classes
                    + " classes");
        }
        List<String> names = new ArrayList<>(classes);
        for (JsonNode entry : array) {
            if (!entry.isNull() && !entry.isTextual()) {
                throw new ModelFormatException("class table names: entry " + names.size() + " is not a string or null");
            }
            names.add(entry.isNull() ? null : entry.textValue());
        }
        return Collections.unmodifiableList(names);
    }

    public int classes() {
        return classes;
    }

    public int dimensions() {
        return dimensions;
    }

    /** The blob (see the class comment); not copied, treat it as read-only. */
    public byte[] bytes() {
        return bytes;
    }

    /** Whether the table names its classes (a stream with {@code classes.names}). */
    public boolean named() {
        return names != null;
    }

    /** Entry c the name of class c (null where unknown); empty when the table names no class. */
    public List<String> names() {
        return names == null ? List.of() : names;
    }

    /** The rows as one array, row c at {@code [c * dimensions, (c + 1) * dimensions)}. */
    public float[] rows() {
        float[] rows = new float[classes * dimensions];
        rowView().get(rows);
        return rows;
    }

    /** Row {@code c}: the unit direction of class c. */
    public float[] row(int c) {
        Objects.checkIndex(c, classes);
        float[] row = new float[dimensions];
        rowView().get(c * dimensions, row);
        return row;
    }

    private FloatBuffer rowView() {
        return ByteBuffer.wrap(bytes, 0, classes * dimensions * Float.BYTES).slice()
                .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    @Override
    public String toString() {
        return "ClassTable[" + classes + " x " + dimensions + (named() ? ", named" : "") + ", " + bytes.length
                + " bytes]";
    }
}
