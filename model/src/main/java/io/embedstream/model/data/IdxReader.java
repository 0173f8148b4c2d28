package io.embedstream.model.data;

import io.embedstream.types.LabeledImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST: a big-endian header {@code 0x00 0x00 type ndims}, then
 * one 32-bit size per dimension, then the data. Only unsigned-byte data (type 0x08) is accepted. Image files have
 * 3 dimensions (count, rows, columns) or 4 with a last dimension of 1 or 3 channels; label files have 1.
 * Gzip compression is detected by its magic bytes (1f 8b), not by the file name.
 *
 * <p>Malformed content (wrong magic, unsupported type, count mismatch, truncation) raises an
 * {@link IllegalArgumentException} naming the file; I/O failures raise {@link IOException}.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {}

    /** Reads paired image and label files; ids are {@code <images-file-stem>-<index>}. */
    public static List<LabeledImage> read(Path images, Path labels) throws IOException {
        String stem = images.getFileName().toString().replaceFirst("(\\.gz)$", "").replaceFirst("-idx\\d-ubyte$", "");
        return read(images, labels, stem);
    }

    /**
     * Reads a directory holding the standard file names: {@code train-images-idx3-ubyte},
     * {@code train-labels-idx1-ubyte}, and for the test split the {@code test-} or {@code t10k-} prefix, each
     * optionally with {@code .gz}. The dataset is named after the directory; ids are
     * {@code <dirname>-train-<index>} and {@code <dirname>-test-<index>}.
     */
    public static LabeledDataset readDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("IDX dataset directory " + dir + " does not exist or is not a directory");
        }
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        List<LabeledImage> train = read(find(dir, "images-idx3-ubyte", "train"),
                find(dir, "labels-idx1-ubyte", "train"), name + "-train");
        List<LabeledImage> test = read(find(dir, "images-idx3-ubyte", "test", "t10k"),
                find(dir, "labels-idx1-ubyte", "test", "t10k"), name + "-test");
        if (!train.isEmpty() && !test.isEmpty()) {
            LabeledImage a = train.get(0);
            LabeledImage b = test.get(0);
            if (a.width() != b.width() || a.height() != b.height() || a.channels() != b.channels()) {
                throw new IllegalArgumentException("train images in " + dir + " are " + a.width() + "x" + a.height()
                        + "x" + a.channels() + " but test images are " + b.width() + "x" + b.height() + "x" + b.channels());
            }
        }
        return LabeledDataset.of(name, train, test);
    }

    private static Path find(Path dir, String suffix, String... prefixes) {
        List<String> tried = new ArrayList<>();
        for (String prefix : prefixes) {
            for (String ext : new String[] {"", ".gz"}) {
                String fileName = prefix + "-" + suffix + ext;
                tried.add(fileName);
                Path p = dir.resolve(fileName);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("no IDX file in " + dir + "; looked for " + String.join(", ", tried));
    }

    private static List<LabeledImage> read(Path images, Path labels, String idPrefix) throws IOException {
        int[] labelValues = readLabels(labels);
        try (DataInputStream in = open(images)) {
            int[] dims = header(in, images, 3, 4);
            int count = dims[0];
            int rows = dims[1];
            int cols = dims[2];
            int channels = dims.length == 4 ? dims[3] : 1;
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException(images + ": last dimension must be 1 or 3 channels, got " + channels);
            }
            if (rows <= 0 || cols <= 0) {
                throw new IllegalArgumentException(images + ": image size must be positive, got " + rows + "x" + cols);
            }
            if ((long) rows * cols * channels > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(images + ": images of " + rows + "x" + cols + "x" + channels
                        + " are too large");
            }
            if (count != labelValues.length) {
                throw new IllegalArgumentException("count mismatch: " + images + " holds " + count + " images but "
                        + labels + " holds " + labelValues.length + " labels");
            }
            int size = rows * cols * channels;
            List<LabeledImage> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] pixels = new byte[size];
                try {
                    in.readFully(pixels);
                } catch (EOFException e) {
                    throw new IllegalArgumentException(images + " is truncated: it ends within image " + i + " of "
                            + count, e);
                }
                out.add(new LabeledImage(idPrefix + "-" + i, labelValues[i], cols, rows, channels, pixels));
            }
            return out;
        }
    }

    private static int[] readLabels(Path labels) throws IOException {
        try (DataInputStream in = open(labels)) {
            int count = header(in, labels, 1, 1)[0];
            byte[] raw = new byte[count];
            try {
                in.readFully(raw);
            } catch (EOFException e) {
                throw new IllegalArgumentException(labels + " is truncated: header announces " + count + " labels", e);
            }
            int[] values = new int[count];
            for (int i = 0; i < count; i++) {
                values[i] = raw[i] & 0xFF;
            }
            return values;
        }
    }

    /** Reads and checks the header; returns the dimension sizes. */
    private static int[] header(DataInputStream in, Path file, int minDims, int maxDims) throws IOException {
        try {
            int zero = in.readUnsignedShort();
            int type = in.readUnsignedByte();
            int ndims = in.readUnsignedByte();
            if (zero != 0) {
                throw new IllegalArgumentException(file + " is not an IDX file: magic starts with 0x"
                        + Integer.toHexString(zero) + " instead of 0x0000");
            }
            if (type != UNSIGNED_BYTE) {
                throw new IllegalArgumentException(file + ": IDX data type 0x" + Integer.toHexString(type)
                        + " is not supported, only unsigned byte (0x08)");
            }
            if (ndims < minDims || ndims > maxDims) {
                throw new IllegalArgumentException(file + ": expected " + (minDims == maxDims ? "" + minDims
                        : minDims + " to " + maxDims) + " dimensions, got " + ndims);
            }
            int[] dims = new int[ndims];
            for (int d = 0; d < ndims; d++) {
                dims[d] = in.readInt();
                if (dims[d] < 0) {
                    throw new IllegalArgumentException(file + ": dimension " + d + " has negative size " + dims[d]);
                }
            }
            return dims;
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + " is truncated: it ends within the IDX header", e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("IDX file " + file + " does not exist");
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        return new DataInputStream(in);
    }
}
