package io.embedstream.model.data;

import io.embedstream.types.LabeledImage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    private static final int N = 5;
    private static final int ROWS = 3;
    private static final int COLS = 4;

    @TempDir
    Path dir;

    @Test
    void readsPlainAndGzippedFilesAlike() throws IOException {
        Path images = dir.resolve("images.idx");
        Path labels = dir.resolve("labels.idx");
        write(images, imagesFile(N, ROWS, COLS), false);
        write(labels, labelsFile(N), false);
        // Gzip is detected from the content: the gzipped copies carry no .gz suffix.
        Path gzImages = dir.resolve("images-z.idx");
        Path gzLabels = dir.resolve("labels-z.idx");
        write(gzImages, imagesFile(N, ROWS, COLS), true);
        write(gzLabels, labelsFile(N), true);

        for (List<LabeledImage> read : List.of(IdxReader.read(images, labels), IdxReader.read(gzImages, gzLabels))) {
            assertEquals(N, read.size());
            for (int i = 0; i < N; i++) {
                LabeledImage im = read.get(i);
                assertEquals(COLS, im.width());
                assertEquals(ROWS, im.height());
                assertEquals(1, im.channels());
                assertEquals((i * 3) % 10, im.label());
                assertArrayEquals(pixelsOf(i), im.pixels());
                assertEquals(COLS - 1, im.width() - 1);
                // Row-major: pixel (x=1, y=2) is byte 2 * COLS + 1.
                assertEquals(pixelsOf(i)[2 * COLS + 1] & 0xFF, im.pixel(1, 2, 0));
            }
        }
    }

    @Test
    void readsADirectoryWithT10kTestPrefixAndMixedCompression() throws IOException {
        Path ds = Files.createDirectory(dir.resolve("tiny"));
        write(ds.resolve("train-images-idx3-ubyte"), imagesFile(N, ROWS, COLS), false);
        write(ds.resolve("train-labels-idx1-ubyte"), labelsFile(N), false);
        write(ds.resolve("t10k-images-idx3-ubyte.gz"), imagesFile(2, ROWS, COLS), true);
        write(ds.resolve("t10k-labels-idx1-ubyte.gz"), labelsFile(2), true);
        LabeledDataset d = IdxReader.readDirectory(ds);
        assertEquals("tiny", d.name());
        assertEquals(N, d.train().size());
        assertEquals(2, d.test().size());
        assertEquals("tiny-train-4", d.train().get(4).id());
        assertEquals("tiny-test-1", d.test().get(1).id());
        assertEquals(COLS, d.width());
        assertEquals(ROWS, d.height());
        assertEquals(1, d.channels());
        assertEquals(10, d.numClasses()); // labels 0, 3, 6, 9, 2: max 9
    }

    @Test
    void missingFileNamesWhatWasLookedFor() throws IOException {
        Path ds = Files.createDirectory(dir.resolve("partial"));
        write(ds.resolve("train-images-idx3-ubyte"), imagesFile(N, ROWS, COLS), false);
        write(ds.resolve("train-labels-idx1-ubyte"), labelsFile(N), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.readDirectory(ds));
        for (String name : List.of("test-images-idx3-ubyte", "test-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte",
                "t10k-images-idx3-ubyte.gz")) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> IdxReader.readDirectory(dir.resolve("absent")));
    }

    @Test
    void wrongMagicIsReported() throws IOException {
        Path images = dir.resolve("bad");
        byte[] content = imagesFile(N, ROWS, COLS);
        content[2] = 0x0D; // float data type
        write(images, content, false);
        write(dir.resolve("labels"), labelsFile(N), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IdxReader.read(images, dir.resolve("labels")));
        assertTrue(e.getMessage().contains("data type 0xd"), e.getMessage());

        write(images, "not an idx file at all".getBytes(), false);
        e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(images, dir.resolve("labels")));
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());

        write(images, labelsFile(N), false); // a label file where images are expected
        e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(images, dir.resolve("labels")));
        assertTrue(e.getMessage().contains("dimensions"), e.getMessage());
    }

    @Test
    void countMismatchIsReported() throws IOException {
        write(dir.resolve("images"), imagesFile(N, ROWS, COLS), false);
        write(dir.resolve("labels"), labelsFile(N + 1), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IdxReader.read(dir.resolve("images"), dir.resolve("labels")));
        assertTrue(e.getMessage().contains("5 images") && e.getMessage().contains("6 labels"), e.getMessage());
    }

    @Test
    void truncatedFilesAreReported() throws IOException {
        byte[] full = imagesFile(N, ROWS, COLS);
        write(dir.resolve("labels"), labelsFile(N), false);
        for (boolean gzip : new boolean[] {false, true}) {
            Path images = dir.resolve("images" + gzip);
            write(images, Arrays.copyOf(full, full.length - 3), gzip);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> IdxReader.read(images, dir.resolve("labels")));
            assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("image 4"), e.getMessage());
        }
        Path header = dir.resolve("header");
        write(header, Arrays.copyOf(full, 6), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IdxReader.read(header, dir.resolve("labels")));
        assertTrue(e.getMessage().contains("header"), e.getMessage());
        // A gzip stream cut short is reported the same way.
        byte[] gz = gzip(full);
        Path cut = dir.resolve("cut.gz");
        Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
        assertThrows(IllegalArgumentException.class, () -> IdxReader.read(cut, dir.resolve("labels")));
    }

    @Test
    void readsTheSharedMnistSubset() throws IOException {
        LabeledDataset d = IdxReader.readDirectory(SharedData.mnist10k());
        assertEquals(8000, d.train().size());
        assertEquals(2000, d.test().size());
        assertEquals(10, d.numClasses());
        assertEquals(28, d.width());
        assertEquals(28, d.height());
        assertEquals(1, d.channels());
        int[] counts = new int[10];
        d.train().forEach(im -> counts[im.label()]++);
        for (int c = 0; c < 10; c++) {
            assertTrue(counts[c] > 500, "class " + c + " has " + counts[c] + " training images");
        }
        assertEquals("mnist10k-train-0", d.train().get(0).id());
        // Digits are bright strokes on black: the first image uses both ends of the range.
        byte[] p = d.train().get(0).pixels();
        int max = 0;
        int zeros = 0;
        for (byte b : p) {
            max = Math.max(max, b & 0xFF);
            zeros += (b == 0) ? 1 : 0;
        }
        assertTrue(max > 200 && zeros > 400, "max " + max + ", zeros " + zeros);
    }

    private static byte[] pixelsOf(int i) {
        byte[] p = new byte[ROWS * COLS];
        for (int k = 0; k < p.length; k++) {
            p[k] = (byte) (i * 40 + k * 17);
        }
        return p;
    }

    private static byte[] imagesFile(int n, int rows, int cols) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000803);
        out.writeInt(n);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < n; i++) {
            out.write(pixelsOf(i));
        }
        return bytes.toByteArray();
    }

    private static byte[] labelsFile(int n) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000801);
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            out.writeByte((i * 3) % 10);
        }
        return bytes.toByteArray();
    }

    private static void write(Path file, byte[] content, boolean gzip) throws IOException {
        Files.write(file, gzip ? gzip(content) : content);
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }
}
