package io.embedstream.experiments.chart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** The check of a written chart that the chart tests and the experiments' command tests share. */
public final class PngAssertions {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngAssertions() {}

    /** The file is a PNG (its signature, and ImageIO decodes it) of a readable size that is not one flat colour. */
    public static void assertPng(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > PNG_SIGNATURE.length, file + " is not empty");
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length), file + " starts as a PNG");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " decodes");
        assertTrue(image.getWidth() >= 600 && image.getHeight() >= 400, file + " has a readable size");
        int first = image.getRGB(0, 0);
        boolean varied = false;
        for (int y = 0; y < image.getHeight() && !varied; y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                varied |= image.getRGB(x, y) != first;
            }
        }
        assertTrue(varied, file + " is not blank");
    }
}
