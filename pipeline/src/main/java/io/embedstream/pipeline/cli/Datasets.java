package io.embedstream.pipeline.cli;

import io.embedstream.model.data.DatasetSpec;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.types.LabeledImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Dataset specs of the command line: those of {@link DatasetSpec}, plus {@code folder:DIR}. */
public final class Datasets {
    private Datasets() {}

    public static List<LabeledImage> trainImages(String spec) throws IOException {
        if (spec.startsWith("folder:")) {
            return folder(Path.of(spec.substring("folder:".length())));
        }
        return DatasetSpec.load(spec).train();
    }

    public static LabeledDataset load(String spec) throws IOException {
        if (spec.startsWith("folder:")) {
            throw new IllegalArgumentException("folder datasets have no test split; use them with produce");
        }
        return DatasetSpec.load(spec);
    }

    /**
     * Images in sub-folders named by their label: {@code DIR/0/*.png}, {@code DIR/1/*.jpg}, ... Sub-folder names
     * must be integers (the label). Images keep their size and channels (gray or RGB); the job converts them.
     */
    public static List<LabeledImage> folder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("folder dataset " + dir + " is not a directory");
        }
        List<LabeledImage> images = new ArrayList<>();
        try (Stream<Path> classes = Files.list(dir)) {
            for (Path classDir : classes.filter(Files::isDirectory).sorted().toList()) {
                int label;
                try {
                    label = Integer.parseInt(classDir.getFileName().toString());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("sub-folder " + classDir + " is not named by an integer label");
                }
                try (Stream<Path> files = Files.list(classDir)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        BufferedImage image = ImageIO.read(file.toFile());
                        if (image == null) {
                            throw new IllegalArgumentException(file + " is not an image ImageIO can read");
                        }
                        images.add(toLabeled(file.getFileName().toString(), label, image));
                    }
                }
            }
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("folder dataset " + dir + " has no images in label sub-folders");
        }
        return images;
    }

    private static LabeledImage toLabeled(String id, int label, BufferedImage image) {
        boolean gray = image.getColorModel().getNumColorComponents() == 1;
        int w = image.getWidth();
        int h = image.getHeight();
        int c = gray ? 1 : 3;
        byte[] px = new byte[w * h * c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                int i = (y * w + x) * c;
                if (gray) {
                    px[i] = (byte) (rgb & 0xFF);
                } else {
                    px[i] = (byte) (rgb >> 16);
                    px[i + 1] = (byte) (rgb >> 8);
                    px[i + 2] = (byte) rgb;
                }
            }
        }
        return new LabeledImage(id, label, w, h, c, px);
    }
}
