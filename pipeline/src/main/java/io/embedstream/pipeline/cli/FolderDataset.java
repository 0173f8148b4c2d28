package io.embedstream.pipeline.cli;

import io.embedstream.connectors.wire.DecodeResult;
import io.embedstream.connectors.wire.ImageHeaders;
import io.embedstream.connectors.wire.ImageRecordDecoder;
import io.embedstream.connectors.wire.RecordSource;
import io.embedstream.connectors.wire.WireHeaders;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.types.LabeledImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Reads a {@link FolderSpec}: one sub-folder per label, PNG and JPEG files in each.
 *
 * <ul>
 *   <li>Labels: when every sub-folder is named by a decimal integer ({@code 0}, {@code 7}, {@code 10}), that
 *       integer is the label, as it always was and as the {@code label} header means it; otherwise the names in
 *       sorted (code point) order get indices 0, 1, 2, ... {@link #labels()} lists the names by index (a label
 *       without a folder has the name {@code ""}). Hidden sub-folders (name starting with {@code .}) are
 *       skipped.</li>
 *   <li>Files: those named {@code *.png}, {@code *.jpg} or {@code *.jpeg} (any case) are read; other files are
 *       ignored and counted ({@link #ignoredFiles()}), so a {@code .DS_Store} or a README does not stop a run.</li>
 *   <li>Decoding: the Kafka input's own decoder ({@link ImageRecordDecoder}), with the same checks (complete
 *       PNG chunks, a JPEG the reader did not have to repair) and the same conversion to the target channels
 *       and size. A file it refuses fails the load with a sentence naming the file and the reason: a user's own
 *       folder is expected to be read whole, and silently training on part of it would hide the problem.</li>
 *   <li>Split: a file is in the test split when the CRC-32 of {@code label/filename} modulo 1000 is below
 *       {@code testShare * 1000}. Deterministic, independent of the order files are listed, and stable: adding
 *       or removing other files never moves a file between the splits.</li>
 * </ul>
 *
 * @param data         the images, fitted to the spec's size and channels
 * @param labels       label names by index
 * @param numbered     whether the folders are named by their labels' values (else by sorted order)
 * @param ignoredFiles files that are not PNG or JPEG by their name
 */
public record FolderDataset(LabeledDataset data, List<String> labels, boolean numbered, int ignoredFiles) {
    /** A folder name that is a label by its value: 0, or a decimal integer without a leading zero, below 10^9. */
    private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]{0,8}");

    /** Files larger than this are refused before reading: far above any photo, far below the JVM's heap. */
    static final long MAX_FILE_BYTES = 256L * 1024 * 1024;
    /** 64 megapixels: a phone's full-resolution photo; more is refused from the image header. */
    static final long MAX_PIXELS = 64L * 1024 * 1024;

    public FolderDataset {
        labels = List.copyOf(labels);
    }

    /** Reads the folder; see the class comment. */
    public static FolderDataset load(FolderSpec spec) throws IOException {
        Path dir = spec.directory();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("folder dataset " + dir + " is not a directory");
        }
        List<Path> labelDirs;
        try (Stream<Path> entries = Files.list(dir)) {
            labelDirs = entries.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
        if (labelDirs.isEmpty()) {
            throw new IllegalArgumentException("folder dataset " + dir + " has no sub-folders; put each label's"
                    + " images in a sub-folder named by the label");
        }
        boolean numbered = labelDirs.stream().allMatch(p -> DECIMAL.matcher(p.getFileName().toString()).matches());
        int[] labelOf = new int[labelDirs.size()];
        for (int i = 0; i < labelOf.length; i++) {
            labelOf[i] = numbered ? Integer.parseInt(labelDirs.get(i).getFileName().toString()) : i;
        }
        int classes = Arrays.stream(labelOf).max().getAsInt() + 1;
        ImageRecordDecoder decoder = ImageRecordDecoder.builder().classes(classes)
                .target(spec.width(), spec.height(), spec.channels()).fitMode(spec.fitMode())
                .maxRecordBytes((int) Math.min(Integer.MAX_VALUE, MAX_FILE_BYTES)).maxPixels(MAX_PIXELS).build();
        List<LabeledImage> train = new ArrayList<>();
        List<LabeledImage> test = new ArrayList<>();
        String[] labels = new String[classes];
        Arrays.fill(labels, "");
        int ignored = 0;
        long testBelow = Math.round(spec.testShare() * 1000);
        for (int i = 0; i < labelDirs.size(); i++) {
            Path labelDir = labelDirs.get(i);
            String name = labelDir.getFileName().toString();
            int label = labelOf[i];
            labels[label] = name;
            List<Path> files;
            try (Stream<Path> entries = Files.list(labelDir)) {
                files = entries.filter(Files::isRegularFile).sorted().toList();
            }
            int images = 0;
            for (Path file : files) {
                if (!isImageName(file)) {
                    ignored++;
                    continue;
                }
                String id = name + "/" + file.getFileName();
                LabeledImage image = decode(decoder, file, id, label);
                (split(id) < testBelow ? test : train).add(image);
                images++;
            }
            if (images == 0) {
                throw new IllegalArgumentException("label folder " + labelDir + " has no PNG or JPEG files");
            }
        }
        String datasetName = "folder-" + dir.toAbsolutePath().normalize().getFileName();
        return new FolderDataset(new LabeledDataset(datasetName, train, test, classes, spec.width(),
                spec.height(), spec.channels()), Arrays.asList(labels), numbered, ignored);
    }

    /** A one-line account for the console: label mapping (the first few), split sizes, ignored files. */
    public String summary() {
        StringBuilder mapping = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < labels.size() && shown < 8; i++) {
            if (!labels.get(i).isEmpty()) {
                mapping.append(shown++ == 0 ? "" : ", ").append(i).append('=').append(labels.get(i));
            }
        }
        long named = labels.stream().filter(n -> !n.isEmpty()).count();
        if (named > shown) {
            mapping.append(", ...");
        }
        return String.format(Locale.ROOT, "%s: %d labels %s (%s), %d train / %d test images%s",
                data.name(), named, numbered ? "named by their values" : "in sorted order", mapping, data.train().size(), data.test().size(),
                ignoredFiles == 0 ? "" : ", " + ignoredFiles + (ignoredFiles == 1 ? " file that is" : " files that are")
                        + " not PNG or JPEG ignored");
    }

    /** The split key of a file, in [0, 1000). */
    static long split(String id) {
        CRC32 crc = new CRC32();
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % 1000;
    }

    private static boolean isImageName(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }

    private static LabeledImage decode(ImageRecordDecoder decoder, Path file, String id, int label)
            throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("image file " + file + " is " + size + " bytes, more than the "
                    + MAX_FILE_BYTES + " a folder dataset reads");
        }
        WireHeaders headers = WireHeaders.empty().with(ImageHeaders.LABEL, Integer.toString(label))
                .with(ImageHeaders.ID, id);
        DecodeResult result = decoder.decode(Files.readAllBytes(file), headers, new RecordSource("file", 0, 0));
        if (result instanceof DecodeResult.Decoded decoded) {
            return decoded.image();
        }
        throw new IllegalArgumentException("cannot read image file " + file + ": "
                + ((DecodeResult.Rejected) result).reason());
    }
}
