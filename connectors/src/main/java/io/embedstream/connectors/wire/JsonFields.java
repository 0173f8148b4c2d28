package io.embedstream.connectors.wire;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Typed reads of one JSON object of a topic's record, for the wire classes: a missing required field or a value of
 * the wrong type is a {@link WireFormatException} that names the record and the field's path (for example
 * {@code metrics record is missing field 'batcher.ingested'}). Fields nobody asks for are ignored, so that a reader
 * accepts records from newer writers.
 */
public final class JsonFields {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String record;
    private final String path;
    private final JsonNode node;

    private JsonFields(String record, String path, JsonNode node) {
        this.record = record;
        this.path = path;
        this.node = node;
    }

    /**
     * Parses one record.
     *
     * @param record what the record is, for messages ({@code "metrics record"})
     * @throws WireFormatException when the bytes are not one JSON object
     */
    public static JsonFields parse(byte[] json, String record) {
        if (json == null) {
            throw new WireFormatException(record + " has no value");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new WireFormatException(record + " is not valid JSON: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new WireFormatException(record + " is not a JSON object");
        }
        return new JsonFields(record, "", root);
    }

    public long requiredLong(String name) {
        JsonNode value = required(name);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw wrongType(name, "an integer", value);
        }
        return value.longValue();
    }

    public boolean requiredBoolean(String name) {
        JsonNode value = required(name);
        if (!value.isBoolean()) {
            throw wrongType(name, "true or false", value);
        }
        return value.booleanValue();
    }

    /** A finite number (the topics never carry NaN or infinities). */
    public double requiredDouble(String name) {
        return finite(name, required(name));
    }

    /** Absent when the writer could not compute the figure. */
    public OptionalDouble optionalDouble(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? OptionalDouble.empty() : OptionalDouble.of(finite(name, value));
    }

    public String requiredText(String name) {
        JsonNode value = required(name);
        if (!value.isTextual()) {
            throw wrongType(name, "a string", value);
        }
        return value.textValue();
    }

    public JsonFields requiredObject(String name) {
        JsonNode value = required(name);
        if (!value.isObject()) {
            throw wrongType(name, "an object", value);
        }
        return new JsonFields(record, pathOf(name) + ".", value);
    }

    public Optional<JsonFields> optionalObject(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(requiredObject(name));
    }

    public List<String> requiredTextList(String name) {
        List<String> texts = new ArrayList<>();
        int i = 0;
        for (JsonNode element : requiredArray(name)) {
            if (!element.isTextual()) {
                throw wrongType(name + "[" + i + "]", "a string", element);
            }
            texts.add(element.textValue());
            i++;
        }
        return Collections.unmodifiableList(texts);
    }

    /** Empty when the field is absent. */
    public List<String> optionalTextList(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? List.of() : requiredTextList(name);
    }

    /** Every field of this object, in the record's order, each a string. */
    public Map<String, String> texts() {
        Map<String, String> texts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw wrongType(field.getKey(), "a string", field.getValue());
            }
            texts.put(field.getKey(), field.getValue().textValue());
        }
        return Collections.unmodifiableMap(texts);
    }

    public List<JsonFields> requiredObjectList(String name) {
        List<JsonFields> objects = new ArrayList<>();
        int i = 0;
        for (JsonNode element : requiredArray(name)) {
            String elementName = name + "[" + i + "]";
            if (!element.isObject()) {
                throw wrongType(elementName, "an object", element);
            }
            objects.add(new JsonFields(record, pathOf(elementName) + ".", element));
            i++;
        }
        return Collections.unmodifiableList(objects);
    }

    /** Every field of this object except {@code excluded}, in the record's order, each a finite number. */
    public Map<String, Double> numbersExcept(Set<String> excluded) {
        Map<String, Double> numbers = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!excluded.contains(field.getKey())) {
                numbers.put(field.getKey(), finite(field.getKey(), field.getValue()));
            }
        }
        return Collections.unmodifiableMap(numbers);
    }

    public boolean isEmpty() {
        return node.isEmpty();
    }

    private JsonNode requiredArray(String name) {
        JsonNode value = required(name);
        if (!value.isArray()) {
            throw wrongType(name, "an array", value);
        }
        return value;
    }

    private JsonNode required(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new WireFormatException(record + " is missing field '" + pathOf(name) + "'");
        }
        return value;
    }

    private double finite(String name, JsonNode value) {
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            throw wrongType(name, "a finite number", value);
        }
        return value.doubleValue();
    }

    private WireFormatException wrongType(String name, String expected, JsonNode value) {
        return new WireFormatException(record + " field '" + pathOf(name) + "' must be " + expected + ", got " + value);
    }

    private String pathOf(String name) {
        return path + name;
    }
}
