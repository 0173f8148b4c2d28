package io.embedstream.experiments.versus;

import io.embedstream.types.LabeledImage;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a split as the IDX files the reference loop reads ({@code train-images-idx3-ubyte} and its labels), so
 * that the loop trains on the images Java loaded, whatever the dataset spec (synthetic included).
 */
final class IdxFiles {
    private IdxFiles() {}

    /** {@code DIR/PREFIX-images-idx3-ubyte} and {@code DIR/PREFIX-labels-idx1-ubyte}, uncompressed. */
    static void write(Path dir, String prefix, List<LabeledImage> images) throws IOException {
        LabeledImage first = images.get(0);
        try (DataOutputStream out = open(dir.resolve(prefix + "-images-idx3-ubyte"))) {
            // One channel is the usual 3-dimensional file; three channels add a fourth dimension, read as N x H x W x C.
            boolean colour = first.channels() > 1;
            out.writeInt(colour ? 0x00000804 : 0x00000803);
            out.writeInt(images.size());
            out.writeInt(first.height());
            out.writeInt(first.width());
            if (colour) {
                out.writeInt(first.channels());
            }
            for (LabeledImage image : images) {
                out.write(image.pixels());
            }
        }
        try (DataOutputStream out = open(dir.resolve(prefix + "-labels-idx1-ubyte"))) {
            out.writeInt(0x00000801);
            out.writeInt(images.size());
            for (LabeledImage image : images) {
                if (image.label() < 0 || image.label() > 255) {
                    throw new IllegalArgumentException("IDX labels are bytes; label " + image.label() + " is not one");
                }
                out.writeByte(image.label());
            }
        }
    }

    private static DataOutputStream open(Path file) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    }
}
