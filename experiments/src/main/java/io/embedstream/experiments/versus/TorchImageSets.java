package io.embedstream.experiments.versus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.types.LabeledImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The image sets handed to PyTorch for embedding and the embeddings it hands back (the file format is in
 * {@code python/embedstream_torch/versus.py}). Each set is remembered by a digest of its pixels, so that
 * {@link #embedder()} answers the Java evaluator with PyTorch's rows for exactly the images it asks about, and
 * fails, rather than guesses, when it asks about images that were never sent.
 */
final class TorchImageSets {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Map<String, String> nameByDigest = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private int height = -1;
    private int width = -1;
    private int channels = -1;

    TorchImageSets(Path dir) {
        this.dir = dir;
    }

    /** Writes {@code images} as set {@code name}; every set must have the same geometry. */
    void add(String name, List<LabeledImage> images) throws IOException {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("image set " + name + " is empty");
        }
        LabeledImage first = images.get(0);
        if (height < 0) {
            height = first.height();
            width = first.width();
            channels = first.channels();
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(name + ".u8")), 1 << 16)) {
            for (LabeledImage image : images) {
                if (image.height() != height || image.width() != width || image.channels() != channels) {
                    throw new IllegalArgumentException("image set " + name + " mixes geometries");
                }
                out.write(image.pixels());
            }
        }
        nameByDigest.put(digest(images), name);
        counts.put(name, images.size());
        List<Map<String, Object>> sets = new ArrayList<>();
        counts.forEach((n, c) -> sets.add(Map.of("name", n, "count", c)));
        JSON.writeValue(dir.resolve("sets.json").toFile(),
                Map.of("height", height, "width", width, "channels", channels, "sets", sets));
    }

    /** PyTorch's embeddings of set {@code name}, one row per image, as its float32 values. */
    float[][] embeddings(String name) throws IOException {
        JsonNode header = JSON.readTree(dir.resolve("embeddings.json").toFile());
        int dimension = header.get("dimension").asInt();
        Integer count = counts.get(name);
        if (count == null) {
            throw new IllegalArgumentException("no image set " + name);
        }
        byte[] raw = Files.readAllBytes(dir.resolve(name + ".f32"));
        if (raw.length != (long) count * dimension * Float.BYTES) {
            throw new IllegalStateException(name + ".f32 holds " + raw.length + " bytes, expected " + count + " x "
                    + dimension + " float32");
        }
        ByteBuffer buffer = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[][] rows = new float[count][dimension];
        for (float[] row : rows) {
            buffer.asFloatBuffer().get(row);
            buffer.position(buffer.position() + dimension * Float.BYTES);
        }
        return rows;
    }

    /** The model under test for an evaluator: images to PyTorch's rows, looked up by their pixels. */
    Function<List<LabeledImage>, float[][]> embedder() {
        return images -> {
            String name = nameByDigest.get(digest(images));
            if (name == null) {
                throw new IllegalStateException("the evaluator asked for " + images.size()
                        + " images that were not sent to PyTorch");
            }
            try {
                return embeddings(name);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    private static String digest(List<LabeledImage> images) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (LabeledImage image : images) {
                sha.update(image.pixels());
                sha.update(ByteBuffer.allocate(4).putInt(image.label()).array());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
