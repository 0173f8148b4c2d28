package io.embedstream.model.net;

import ai.djl.ndarray.NDArray;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Writes and reads named float32 tensors as raw IEEE bits (name, rank, dims, little-endian floats), so that a
 * restore reproduces every bit. Reading checks names and shapes against the arrays it fills.
 */
public final class ArrayCodec {
    private ArrayCodec() {}

    public static void write(DataOutputStream out, List<NamedArray> arrays) throws IOException {
        out.writeInt(arrays.size());
        for (NamedArray named : arrays) {
            out.writeUTF(named.name());
            long[] dims = named.array().getShape().getShape();
            out.writeByte(dims.length);
            for (long d : dims) {
                out.writeLong(d);
            }
            float[] values = named.array().toFloatArray();
            ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asFloatBuffer().put(values);
            out.write(buffer.array());
        }
    }

    /** Fills {@code targets} in order; each stored tensor must have the target's name and shape. */
    public static void readInto(DataInputStream in, List<NamedArray> targets) throws IOException {
        int count = in.readInt();
        if (count != targets.size()) {
            throw new IOException("stored state has " + count + " tensors, this model has " + targets.size()
                    + ": it was saved from a different architecture or configuration");
        }
        for (NamedArray target : targets) {
            String name = in.readUTF();
            int rank = in.readByte();
            long[] dims = new long[rank];
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readLong();
            }
            long[] expected = target.array().getShape().getShape();
            if (!name.equals(target.name()) || !Arrays.equals(dims, expected)) {
                throw new IOException("stored tensor " + name + Arrays.toString(dims) + " does not match "
                        + target.name() + Arrays.toString(expected));
            }
            int length = Math.toIntExact(target.array().getShape().size());
            byte[] bytes = new byte[length * Float.BYTES];
            in.readFully(bytes);
            float[] values = new float[length];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            NDArray array = target.array();
            array.set(values);
        }
    }
}
