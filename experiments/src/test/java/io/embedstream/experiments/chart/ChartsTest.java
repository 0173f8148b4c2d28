package io.embedstream.experiments.chart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The charts write decodable PNGs of the requested size that show the series' colours. */
class ChartsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void lineChartDrawsEverySeries() throws Exception {
        Path file = dir.resolve("line.png");
        LineChart.builder().title("effective rank").xLabel("step").yLabel("rank").size(640, 400)
                .series("a", new double[] {0, 10, 20}, new double[] {30, 20, 5})
                .series("b", new double[] {0, 10, 20}, new double[] {30, 31, Double.NaN})
                .horizontalLine("threshold", 12.8).verticalLine("alarm", 15)
                .build().write(file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(640, image.getWidth());
        assertEquals(400, image.getHeight());
        Set<Integer> colours = colours(image);
        assertTrue(colours.contains(ChartCanvas.PALETTE[0].getRGB() & 0xffffff), "series a drawn");
        assertTrue(colours.contains(ChartCanvas.PALETTE[1].getRGB() & 0xffffff), "series b drawn");
    }

    @Test
    void barChartDrawsEveryMeasure() throws Exception {
        Path file = dir.resolve("bars.png");
        BarChart.builder().title("ablation").categories(List.of("softmax", "cm"))
                .measure("P@1", new double[] {0.9, 0.95}, new double[] {0.01, 0.02})
                .measure("MAP@R", new double[] {0.6, 0.8}, new double[] {0, 0.05})
                .build().write(file);
        Set<Integer> colours = colours(ImageIO.read(file.toFile()));
        assertTrue(colours.contains(ChartCanvas.PALETTE[0].getRGB() & 0xffffff));
        assertTrue(colours.contains(ChartCanvas.PALETTE[1].getRGB() & 0xffffff));
        assertThrows(IllegalArgumentException.class, () -> BarChart.builder().categories(List.of("a"))
                .measure("x", new double[] {1, 2}, new double[] {0, 0}));
    }

    @Test
    void ticksAreRound() {
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, ChartCanvas.ticks(0, 1), 1e-9);
        assertArrayEquals(new double[] {0, 20, 40, 60, 80, 100, 120}, ChartCanvas.ticks(0, 128), 1e-9);
        assertArrayEquals(new double[] {10, 12, 14, 16, 18, 20, 22}, ChartCanvas.ticks(9, 22), 1e-9);
    }

    private static Set<Integer> colours(BufferedImage image) {
        Set<Integer> s = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                s.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        return s;
    }
}
