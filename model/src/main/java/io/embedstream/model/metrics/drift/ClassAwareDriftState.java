package io.embedstream.model.metrics.drift;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checkpoint of a {@link ClassAwareDriftMonitor}; the label-shift test keeps no state (its reference counts come
 * from the reference sample of the configuration). {@link #toBytes()} / {@link #fromBytes(byte[])} are a versioned
 * binary encoding, e.g. for a Flink state field: magic "ECAD", a format byte, the covariate detector's
 * {@link ErtMmdState#toBytes()}, then whether per-class detectors exist and, per class, its label and state bytes.
 */
public record ClassAwareDriftState(ErtMmdState covariate, Optional<ClassDriftState> classes) {
    private static final int MAGIC = 0x45434144; // "ECAD"
    private static final byte FORMAT = 1;

    public ClassAwareDriftState {
        Objects.requireNonNull(covariate, "covariate");
        Objects.requireNonNull(classes, "classes");
    }

    /** A versioned binary encoding of the whole state. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeByte(FORMAT);
            writeBlock(out, covariate.toBytes());
            out.writeBoolean(classes.isPresent());
            if (classes.isPresent()) {
                Map<Integer, ErtMmdState> perClass = classes.get().classes();
                out.writeInt(perClass.size());
                for (Map.Entry<Integer, ErtMmdState> e : perClass.entrySet()) {
                    out.writeInt(e.getKey());
                    writeBlock(out, e.getValue().toBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen with an in-memory stream", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are not a class-aware drift state of a known format
     */
    public static ClassAwareDriftState fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a class-aware drift state (bad magic)");
            }
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unsupported class-aware drift state format " + format);
            }
            ErtMmdState covariate = ErtMmdState.fromBytes(readBlock(in));
            Optional<ClassDriftState> classes = Optional.empty();
            if (in.readBoolean()) {
                int count = in.readInt();
                if (count < 0 || count > in.available()) {
                    throw new IllegalArgumentException("corrupt class-aware drift state: " + count + " classes");
                }
                Map<Integer, ErtMmdState> perClass = new LinkedHashMap<>();
                for (int i = 0; i < count; i++) {
                    int label = in.readInt();
                    if (perClass.put(label, ErtMmdState.fromBytes(readBlock(in))) != null) {
                        throw new IllegalArgumentException("corrupt class-aware drift state: class " + label + " twice");
                    }
                }
                classes = Optional.of(new ClassDriftState(perClass));
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("class-aware drift state has " + in.available() + " trailing bytes");
            }
            return new ClassAwareDriftState(covariate, classes);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or corrupt class-aware drift state", e);
        }
    }

    private static void writeBlock(DataOutputStream out, byte[] block) throws IOException {
        out.writeInt(block.length);
        out.write(block);
    }

    private static byte[] readBlock(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IllegalArgumentException("corrupt class-aware drift state: block of " + length + " bytes");
        }
        byte[] block = new byte[length];
        in.readFully(block);
        return block;
    }
}
