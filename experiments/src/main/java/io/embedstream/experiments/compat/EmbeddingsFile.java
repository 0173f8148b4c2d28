package io.embedstream.experiments.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The versions' embeddings of one compat run, kept on disk so that maps can be compared on them again without
 * training again: {@code index.json} (labels, steps, shapes) and one little-endian float32 file per matrix
 * ({@code numpy.fromfile(path, '<f4')} reads them too).
 */
public final class EmbeddingsFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a run kept: its versions and the labels of the index, query and fit images. */
    public record Contents(String datasetName, List<VersionEmbeddings> versions, int[] galleryLabels,
                           int[] queryLabels, int[] fitLabels) {}

    private EmbeddingsFile() {}

    public static void write(Path dir, Contents c) throws IOException {
        Files.createDirectories(dir);
        ObjectNode root = JSON.createObjectNode();
        root.put("dataset_name", c.datasetName());
        root.set("gallery_labels", JSON.valueToTree(c.galleryLabels()));
        root.set("query_labels", JSON.valueToTree(c.queryLabels()));
        root.set("fit_labels", JSON.valueToTree(c.fitLabels()));
        ArrayNode vs = root.putArray("versions");
        for (int k = 0; k < c.versions().size(); k++) {
            VersionEmbeddings v = c.versions().get(k);
            ObjectNode node = vs.addObject();
            node.put("step", v.step());
            node.put("dim", v.gallery()[0].length);
            node.put("class_weight_values", v.classWeights().length);
            writeRows(dir.resolve("v" + k + "-gallery.f32"), v.gallery());
            writeRows(dir.resolve("v" + k + "-queries.f32"), v.queries());
            writeRows(dir.resolve("v" + k + "-fit.f32"), v.fit());
            writeRows(dir.resolve("v" + k + "-class-weights.f32"), new float[][] {v.classWeights()});
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("index.json").toFile(), root);
    }

    public static Contents read(Path dir) throws IOException {
        Path index = dir.resolve("index.json");
        if (!Files.isRegularFile(index)) {
            throw new IllegalArgumentException("no saved embeddings in " + dir + ": index.json is missing");
        }
        JsonNode root = JSON.readTree(index.toFile());
        int[] gl = JSON.treeToValue(root.get("gallery_labels"), int[].class);
        int[] ql = JSON.treeToValue(root.get("query_labels"), int[].class);
        int[] fl = JSON.treeToValue(root.get("fit_labels"), int[].class);
        List<VersionEmbeddings> versions = new ArrayList<>();
        JsonNode vs = root.get("versions");
        for (int k = 0; k < vs.size(); k++) {
            JsonNode node = vs.get(k);
            int d = node.get("dim").asInt();
            int cw = node.get("class_weight_values").asInt();
            versions.add(new VersionEmbeddings(node.get("step").asLong(),
                    readRows(dir.resolve("v" + k + "-gallery.f32"), gl.length, d),
                    readRows(dir.resolve("v" + k + "-queries.f32"), ql.length, d),
                    readRows(dir.resolve("v" + k + "-fit.f32"), fl.length, d),
                    readRows(dir.resolve("v" + k + "-class-weights.f32"), 1, cw)[0]));
        }
        return new Contents(root.get("dataset_name").asText(), versions, gl, ql, fl);
    }

    private static void writeRows(Path file, float[][] rows) throws IOException {
        int d = rows.length == 0 ? 0 : rows[0].length;
        ByteBuffer b = ByteBuffer.allocate(rows.length * d * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : rows) {
            for (float v : row) {
                b.putFloat(v);
            }
        }
        Files.write(file, b.array());
    }

    private static float[][] readRows(Path file, int n, int d) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() != n * d * Float.BYTES) {
            throw new IllegalArgumentException(file + " holds " + b.remaining() + " bytes, not " + n + " x " + d
                    + " floats");
        }
        float[][] out = new float[n][d];
        for (float[] row : out) {
            for (int j = 0; j < d; j++) {
                row[j] = b.getFloat();
            }
        }
        return out;
    }
}
