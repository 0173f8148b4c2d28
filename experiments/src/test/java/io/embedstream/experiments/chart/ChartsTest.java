package io.embedstream.experiments.chart;

import static io.embedstream.experiments.chart.PngAssertions.assertPng;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * The XChart model each chart builds holds the data as passed, its axes cover the data and the reference lines, and
 * {@code write} encodes it as a PNG of the requested size in which every series and marker is drawn.
 */
class ChartsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static LineChart.Builder line() {
        return LineChart.builder().title("effective rank").xLabel("step").yLabel("rank").size(640, 400)
                .series("a", new double[] {0, 10, 20}, new double[] {30, 20, 5})
                .series("b", new double[] {0, 10, 20}, new double[] {30, 31, Double.NaN})
                .series("c", new double[] {0, 10, 20}, new double[] {Double.POSITIVE_INFINITY, 3, 4})
                .horizontalLine("threshold", 40);
    }

    @Test
    void lineChartModelHoldsTheSeriesAsPassed() {
        XYChart chart = line().verticalLine("alarm", 15).build().chart();
        assertEquals(List.of("a", "b", "c"), new ArrayList<>(chart.getSeriesMap().keySet()));
        XYSeries a = chart.getSeriesMap().get("a");
        assertArrayEquals(new double[] {0, 10, 20}, a.getXData());
        assertArrayEquals(new double[] {30, 20, 5}, a.getYData());
        assertArrayEquals(new double[] {30, 31, Double.NaN}, chart.getSeriesMap().get("b").getYData(), "NaN kept: a gap");
        assertArrayEquals(new double[] {Double.NaN, 3, 4}, chart.getSeriesMap().get("c").getYData(),
                "a non-finite value becomes a gap");
        // Axes: x over the finite points, y from 0 to the threshold above every point plus 8% headroom.
        assertEquals(0, chart.getStyler().getXAxisMin(), 1e-9);
        assertEquals(20, chart.getStyler().getXAxisMax(), 1e-9);
        assertEquals(0, chart.getStyler().getYAxisMin(), 1e-9);
        assertEquals(40 * 1.08, chart.getStyler().getYAxisMax(), 1e-9);
        assertEquals("effective rank", chart.getTitle());
        assertEquals("step", chart.getXAxisTitle());
        assertEquals("rank", chart.getYAxisTitle());
    }

    @Test
    void yMaxZoomsTheAxisAndThePlotCutsOffWhatLiesAbove() throws Exception {
        XYChart chart = line().yMax(10).build().chart();
        assertEquals(10, chart.getStyler().getYAxisMax(), 1e-9, "the axis stops at yMax, no headroom");
        assertEquals(0, chart.getStyler().getYAxisMin(), 1e-9);
        assertArrayEquals(new double[] {30, 20, 5}, chart.getSeriesMap().get("a").getYData(), "the data are kept as passed");
        Path file = dir.resolve("zoom.png");
        line().yMax(10).build().write(file);
        BufferedImage image = ImageIO.read(file.toFile());
        // Series a starts at 30, far above the axis: it is drawn up to the plot's top margin (XChart keeps 4% of the
        // plot above the axis' top) and no further, so the strip above that margin holds none of its colour.
        int top = (int) Math.round(chart.getScreenYFromChart(10));
        int bottom = (int) Math.round(chart.getScreenYFromChart(0));
        int margin = (int) Math.ceil(0.05 * (bottom - top)) + 2;
        int left = (int) Math.round(chart.getScreenXFromChart(0));
        int right = (int) Math.round(chart.getScreenXFromChart(20));
        int series = Charts.PALETTE[0].getRGB() & 0xffffff;
        int inside = (int) Math.round(chart.getScreenXFromChart(19));
        boolean drawn = false;
        for (int y = top; y < bottom && !drawn; y++) {
            drawn |= (image.getRGB(inside, y) & 0xffffff) == series;
        }
        assertTrue(drawn, "series a is drawn where it lies below the axis' top (x = 19, y about 6.5)");
        for (int y = Math.max(0, top - margin - 10); y < top - margin; y++) {
            for (int x = left; x <= right; x++) {
                assertTrue((image.getRGB(x, y) & 0xffffff) != series, "series a drawn above the axis at " + x + "," + y);
            }
        }
    }

    @Test
    void lineChartWritesAPngWithEverySeriesAndMarker() throws Exception {
        Path file = dir.resolve("nested/line.png");
        line().verticalLine("alarm", 15).build().write(file);
        assertPng(file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(640, image.getWidth());
        assertEquals(400, image.getHeight());
        Set<Integer> colours = colours(image);
        for (int s = 0; s < 3; s++) {
            assertTrue(colours.contains(Charts.PALETTE[s].getRGB() & 0xffffff), "series " + s + " drawn");
        }

        // The vertical marker: the same chart without it differs along the marker's column over most of the plot.
        XYChart with = line().verticalLine("alarm", 15).build().chart();
        Path withFile = dir.resolve("with.png");
        Charts.writePng(with, withFile);
        Path withoutFile = dir.resolve("without.png");
        Charts.writePng(line().build().chart(), withoutFile);
        BufferedImage withImage = ImageIO.read(withFile.toFile());
        BufferedImage withoutImage = ImageIO.read(withoutFile.toFile());
        int px = (int) Math.round(with.getScreenXFromChart(15));
        int top = (int) Math.round(with.getScreenYFromChart(with.getStyler().getYAxisMax()));
        int bottom = (int) Math.round(with.getScreenYFromChart(0));
        int rows = 0;
        for (int y = top; y < bottom; y++) {
            for (int x = px - 2; x <= px + 2; x++) {
                if (withImage.getRGB(x, y) != withoutImage.getRGB(x, y)) {
                    rows++;
                    break;
                }
            }
        }
        assertTrue(rows > (bottom - top) / 3, "a dashed line at x = 15: " + rows + " of " + (bottom - top) + " rows");
    }

    @Test
    void lineChartWithoutDrawablePointsStillRenders() throws Exception {
        Path file = dir.resolve("empty.png");
        LineChart.builder().series("none", new double[0], new double[0])
                .series("nan", new double[] {1}, new double[] {Double.NaN}).build().write(file);
        assertPng(file);
        assertThrows(IllegalArgumentException.class, () -> LineChart.builder().build());
        assertThrows(IllegalArgumentException.class, () -> LineChart.builder().series("a", new double[] {1}, new double[0]));
        assertThrows(IllegalArgumentException.class, () -> LineChart.builder()
                .series("a", new double[] {1}, new double[] {1}).series("a", new double[] {2}, new double[] {2}));
    }

    private static BarChart bars() {
        return BarChart.builder().title("ablation").categories(List.of("softmax", "cm", "all"))
                .measure("P@1", new double[] {0.9, 0.95, 0.5}, new double[] {0.01, 0.02, 0.03})
                .measure("MAP@R", new double[] {0.6, 0.8, 0.4}, new double[] {0, 0.05, 0})
                .measure("NMI", new double[] {0.3, 0.2, 0.1}, new double[] {0, 0, 0})
                .build();
    }

    @Test
    void barChartModelHoldsTheMeasuresAsPassed() {
        CategoryChart chart = bars().chart();
        assertEquals(List.of("P@1", "MAP@R", "NMI"), new ArrayList<>(chart.getSeriesMap().keySet()));
        CategorySeries p1 = chart.getSeriesMap().get("P@1");
        assertEquals(List.of("softmax", "cm", "all"), new ArrayList<>(p1.getXData()));
        assertEquals(List.of(0.9, 0.95, 0.5), new ArrayList<>(p1.getYData()));
        assertEquals(List.of(0.01, 0.02, 0.03), new ArrayList<>(p1.getExtraValues()), "error bars");
        assertEquals(List.of(0.0, 0.05, 0.0), new ArrayList<>(chart.getSeriesMap().get("MAP@R").getExtraValues()));
        assertNull(chart.getSeriesMap().get("NMI").getExtraValues(), "no error bars where every error is 0");
        assertEquals(0, chart.getStyler().getYAxisMin(), 1e-9);
        assertEquals(0.97 * 1.1, chart.getStyler().getYAxisMax(), 1e-9, "highest bar with its error, +10%");
    }

    @Test
    void barChartWritesAPngWithEveryMeasure() throws Exception {
        Path file = dir.resolve("bars.png");
        bars().write(file);
        assertPng(file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(960, image.getWidth());
        assertEquals(560, image.getHeight());
        Set<Integer> colours = colours(image);
        for (int m = 0; m < 3; m++) {
            assertTrue(colours.contains(Charts.PALETTE[m].getRGB() & 0xffffff), "measure " + m + " drawn");
        }
        assertThrows(IllegalArgumentException.class, () -> BarChart.builder().categories(List.of("a"))
                .measure("x", new double[] {1, 2}, new double[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> BarChart.builder().categories(List.of("a", "a")));
        assertThrows(IllegalArgumentException.class, () -> BarChart.builder().categories(List.of("a"))
                .measure("x", new double[] {1}, new double[] {0}).measure("x", new double[] {1}, new double[] {0}));
        assertThrows(IllegalArgumentException.class, () -> BarChart.builder().categories(List.of("a")).build());
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
