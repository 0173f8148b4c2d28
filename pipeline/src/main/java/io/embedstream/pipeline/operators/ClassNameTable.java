package io.embedstream.pipeline.operators;

import io.embedstream.pipeline.types.ScoredImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The trainer's class index to name table (issue 16), so that each published version can name its classes. With
 * {@code classes.names} the batcher gives every image the name its registry knows the class by, and the trainer
 * learns it from the images of its batches: a class is named from the first batch it trains on. Held in the trainer's
 * checkpointed state, since a class need not come back after a restore. An integer-labelled stream carries no names
 * and the table stays empty.
 *
 * <p>Bounded by the registry's capacity: it holds one entry per class index the registry handed out, never more.
 */
final class ClassNameTable {
    private final TreeMap<Integer, String> names = new TreeMap<>();

    /** Learns the names the images carry; an image without a name (an integer-labelled stream) teaches nothing. */
    void learn(ScoredImage[] images) {
        for (ScoredImage image : images) {
            if (image.labelName != null && !image.labelName.equals(names.get(image.label))) {
                names.put(image.label, image.labelName);
            }
        }
    }

    boolean isEmpty() {
        return names.isEmpty();
    }

    int size() {
        return names.size();
    }

    /**
     * Entry c is the name of class c, null where none was learnt; {@code classes} entries, or more if a name was
     * learnt for a higher index. Null when no name was learnt at all (the manifest then names no class).
     */
    String[] toArray(int classes) {
        if (names.isEmpty()) {
            return null;
        }
        String[] array = new String[Math.max(classes, names.lastKey() + 1)];
        names.forEach((index, name) -> array[index] = name);
        return array;
    }

    /** Deterministic bytes (entries in index order), for the checkpoint. */
    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(names.size());
            for (Map.Entry<Integer, String> e : names.entrySet()) {
                out.writeInt(e.getKey());
                out.writeUTF(e.getValue()); // a name is at most 256 bytes of UTF-8, well within writeUTF's limit
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory does not fail", e);
        }
        return bytes.toByteArray();
    }

    static ClassNameTable fromBytes(byte[] bytes) {
        ClassNameTable table = new ClassNameTable();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                table.names.put(in.readInt(), in.readUTF());
            }
        } catch (IOException e) {
            throw new IllegalStateException("the trainer's class names in the checkpoint are corrupt", e);
        }
        return table;
    }
}
