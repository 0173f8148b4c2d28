package io.embedstream.model.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Wraps a saved TorchScript module (a backbone with its trained weights) and a linear head into one TorchScript
 * archive whose {@code forward(x)} is {@code linear(backbone(x), head_weight, head_bias)}: the whole embedding network,
 * loadable with {@code torch.jit.load}.
 *
 * <p>libtorch cannot compile new TorchScript code through DJL, so the archive is written directly. A TorchScript
 * archive is a zip of {@code <root>/data.pkl} (the module object, pickle protocol 2, tensors as persistent ids naming
 * {@code <root>/data/<key>} storages), {@code <root>/code/__torch__/...py} (each class's TorchScript source), and a few
 * small records ({@code version}, {@code constants.pkl}, ...). The wrapper's pickle builds an {@code EmbeddingNetwork}
 * object whose {@code backbone} attribute is the backbone's own pickle, unchanged (it uses no memo entries of ours,
 * so its own memo references stay valid), and whose head tensors are two new storages. Its class source is
 * {@code code/__torch__/embedstream.py}. Every record is stored uncompressed at a 64-byte aligned offset, as
 * PyTorch's own writer does.
 */
public final class TorchScriptArchive {
    /** The wrapper's qualified TorchScript class name. */
    public static final String WRAPPER_CLASS = "__torch__.embedstream.EmbeddingNetwork";
    private static final int ALIGNMENT = 64;

    private TorchScriptArchive() {}

    /**
     * The whole network: {@code backbone} (a TorchScript archive) followed by the head.
     *
     * @param headWeight row-major (embedding x features)
     * @throws IllegalArgumentException if {@code backbone} is not a TorchScript archive this class understands
     */
    public static byte[] withLinearHead(byte[] backbone, float[] headWeight, float[] headBias, int features) {
        int embedding = headBias.length;
        if (headWeight.length != embedding * features) {
            throw new IllegalArgumentException("head weight has " + headWeight.length + " values, expected "
                    + embedding + " x " + features);
        }
        Map<String, byte[]> records = read(backbone);
        String root = root(records);
        byte[] pickle = records.get(root + "data.pkl");
        if (pickle == null || pickle.length < 4 || (pickle[0] & 0xFF) != 0x80 || pickle[pickle.length - 1] != '.') {
            throw new IllegalArgumentException("the backbone archive has no data.pkl pickle");
        }
        String backboneClass = firstGlobal(pickle);
        int nextKey = 0;
        for (String name : records.keySet()) {
            if (name.startsWith(root + "data/")) {
                nextKey = Math.max(nextKey, Integer.parseInt(name.substring((root + "data/").length())) + 1);
            }
        }
        String weightKey = Integer.toString(nextKey);
        String biasKey = Integer.toString(nextKey + 1);

        Pickle p = new Pickle();
        p.proto();
        p.global("__torch__.embedstream", "EmbeddingNetwork");
        p.op(')').op(0x81).op('}').op('(');
        p.string("training");
        p.op(0x89);
        p.string("backbone");
        // The backbone's own pickle without its PROTO header (2 bytes) and STOP (1 byte): it leaves the module on the stack.
        p.raw(pickle, 2, pickle.length - 3);
        p.string("head_weight");
        p.tensor(weightKey, embedding * features, new int[] {embedding, features}, new int[] {features, 1});
        p.string("head_bias");
        p.tensor(biasKey, embedding, new int[] {embedding}, new int[] {1});
        p.op('u').op('b').op('.');

        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> record : records.entrySet()) {
            out.put(record.getKey(), record.getKey().equals(root + "data.pkl") ? p.bytes() : record.getValue());
        }
        out.put(root + "data/" + weightKey, littleEndian(headWeight));
        out.put(root + "data/" + biasKey, littleEndian(headBias));
        out.put(root + "code/__torch__/embedstream.py", wrapperSource(backboneClass).getBytes(StandardCharsets.UTF_8));
        return write(out);
    }

    private static String wrapperSource(String backboneClass) {
        return "class EmbeddingNetwork(Module):\n"
                + "  __parameters__ = [\"head_weight\", \"head_bias\", ]\n"
                + "  __buffers__ = []\n"
                + "  head_weight : Tensor\n"
                + "  head_bias : Tensor\n"
                + "  training : bool\n"
                + "  backbone : " + backboneClass + "\n"
                + "  def forward(self: " + WRAPPER_CLASS + ",\n"
                + "    x: Tensor) -> Tensor:\n"
                + "    backbone = self.backbone\n"
                + "    features = (backbone).forward(x, )\n"
                + "    head_weight = self.head_weight\n"
                + "    head_bias = self.head_bias\n"
                + "    return torch.linear(features, head_weight, head_bias)\n";
    }

    /** The class of the pickled module: the first GLOBAL opcode ({@code c module\nname\n}) after the header. */
    private static String firstGlobal(byte[] pickle) {
        if (pickle[2] != 'c') {
            throw new IllegalArgumentException("the backbone's data.pkl does not start with the module's class");
        }
        int moduleEnd = indexOf(pickle, 3, (byte) '\n');
        int nameEnd = indexOf(pickle, moduleEnd + 1, (byte) '\n');
        String module = new String(pickle, 3, moduleEnd - 3, StandardCharsets.UTF_8);
        String name = new String(pickle, moduleEnd + 1, nameEnd - moduleEnd - 1, StandardCharsets.UTF_8);
        if (!module.startsWith("__torch__")) {
            throw new IllegalArgumentException("the backbone's data.pkl holds a " + module + "." + name
                    + ", not a TorchScript module");
        }
        return module + "." + name;
    }

    private static int indexOf(byte[] bytes, int from, byte value) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        throw new IllegalArgumentException("truncated pickle");
    }

    private static String root(Map<String, byte[]> records) {
        String first = records.keySet().iterator().next();
        int slash = first.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("the backbone archive has no root folder");
        }
        return first.substring(0, slash + 1);
    }

    /** The archive's records in order. */
    public static Map<String, byte[]> read(byte[] archive) {
        // libtorch writes stored records with data descriptors, which ZipInputStream refuses: read the central
        // directory with ZipFile, from a temporary copy.
        Map<String, byte[]> records = new LinkedHashMap<>();
        java.nio.file.Path temp = null;
        try {
            temp = java.nio.file.Files.createTempFile("embedstream-torchscript", ".zip");
            java.nio.file.Files.write(temp, archive);
            try (ZipFile zip = new ZipFile(temp.toFile())) {
                for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                    if (!entry.isDirectory()) {
                        try (var in = zip.getInputStream(entry)) {
                            records.put(entry.getName(), in.readAllBytes());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a TorchScript archive (not a readable zip): " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    java.nio.file.Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
        if (records.isEmpty()) {
            throw new IllegalArgumentException("not a TorchScript archive (no records)");
        }
        return records;
    }

    private static byte[] write(Map<String, byte[]> records) {
        CountingStream bytes = new CountingStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> record : records.entrySet()) {
                byte[] data = record.getValue();
                ZipEntry entry = new ZipEntry(record.getKey());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(data.length);
                entry.setCompressedSize(data.length);
                CRC32 crc = new CRC32();
                crc.update(data);
                entry.setCrc(crc.getValue());
                entry.setTimeLocal(LocalDateTime.of(1980, 1, 1, 0, 0));
                byte[] name = record.getKey().getBytes(StandardCharsets.UTF_8);
                // Local header (30 bytes) + name + extra field (4-byte header + padding) puts the data on a boundary.
                long start = bytes.count + 30 + name.length + 4;
                int padding = (int) ((ALIGNMENT - start % ALIGNMENT) % ALIGNMENT);
                byte[] extra = new byte[4 + padding];
                extra[0] = 'F';
                extra[1] = 'B';
                extra[2] = (byte) padding;
                extra[3] = (byte) (padding >> 8);
                entry.setExtra(extra);
                zip.putNextEntry(entry);
                zip.write(data);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    private static final class CountingStream extends OutputStream {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long count;

        @Override
        public void write(int b) {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            out.write(b, off, len);
            count += len;
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** Pickle protocol 2 opcodes, written without memo entries. */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int opcode) {
            out.write(opcode);
            return this;
        }

        void proto() {
            op(0x80).op(2);
        }

        void global(String module, String name) {
            op('c');
            raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        }

        void string(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            op('X');
            int32(utf8.length);
            raw(utf8);
        }

        void integer(int value) {
            op('J');
            int32(value);
        }

        /** {@code torch._utils._rebuild_tensor_v2(storage, 0, size, stride, True, OrderedDict())}, a float32 CPU tensor. */
        void tensor(String key, int numel, int[] size, int[] stride) {
            global("torch._utils", "_rebuild_tensor_v2");
            op('(');
            op('(');
            string("storage");
            global("torch", "FloatStorage");
            string(key);
            string("cpu");
            integer(numel);
            op('t');
            op('Q');
            integer(0);
            tuple(size);
            tuple(stride);
            op(0x88);
            global("collections", "OrderedDict");
            op(')').op('R');
            op('t');
            op('R');
        }

        private void tuple(int[] values) {
            op('(');
            for (int v : values) {
                integer(v);
            }
            op('t');
        }

        private void int32(int value) {
            out.write(value);
            out.write(value >> 8);
            out.write(value >> 16);
            out.write(value >> 24);
        }

        void raw(byte[] bytes) {
            out.write(bytes, 0, bytes.length);
        }

        void raw(byte[] bytes, int offset, int length) {
            out.write(bytes, offset, length);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
