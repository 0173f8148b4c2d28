package io.embedstream.experiments.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A line chart of several series over a shared x axis (e.g. effective rank over training steps, one line per
 * configuration), with optional dashed horizontal reference lines (a threshold) and vertical markers (an alarm,
 * a change in the stream), written as PNG. Build with {@link #builder()}; {@link #chart()} is the XChart model
 * that {@link #write} encodes.
 */
public final class LineChart {
    /** One line. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            Objects.requireNonNull(name, "name");
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + " has " + x.length + " x and " + y.length + " y");
            }
        }
    }

    /** A labelled reference line. */
    public record Marker(String label, double value) {}

    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private final Builder b;

    private LineChart(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The chart: one XChart series per {@link Series} with the x and y values as given, except that a non-finite y
     * becomes NaN, which XChart draws as a gap (an empty series is one NaN point, so that it keeps its legend
     * entry); the axes span the finite points and the horizontal lines, from {@link Builder#yMin} up, 8% headroom
     * on top, or up to {@link Builder#yMax} when it is set (the plot cuts off what lies above); each marker is a dashed {@link AnnotationLine} with its label beside it.
     */
    public XYChart chart() {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = b.yMin;
        double yMax = b.yMin;
        for (Series s : b.series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    xMin = Math.min(xMin, s.x()[i]);
                    xMax = Math.max(xMax, s.x()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                    yMin = Math.min(yMin, s.y()[i]);
                }
            }
        }
        for (Marker m : b.horizontal) {
            yMax = Math.max(yMax, m.value());
        }
        if (!Double.isFinite(xMin)) {
            xMin = 0;
            xMax = 1;
        }
        if (xMax <= xMin) {
            xMax = xMin + 1;
        }
        yMax = Double.isNaN(b.yMax) ? yMax + (yMax - yMin) * 0.08 : b.yMax;
        if (yMax <= yMin) {
            yMax = yMin + 1;
        }

        XYChart chart = b.frame(XYChart::new);
        XYStyler style = chart.getStyler();
        style.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        style.setMarkerSize(6);
        style.setXAxisMin(xMin).setXAxisMax(xMax).setYAxisMin(yMin).setYAxisMax(yMax);
        style.setAnnotationLineColor(Color.GRAY);
        style.setAnnotationLineStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                new float[] {8, 6}, 0));
        style.setAnnotationTextFont(LABEL_FONT);
        style.setAnnotationTextFontColor(new Color(0x444444));

        for (Series s : b.series) {
            double[] x = s.x().length == 0 ? new double[] {xMin} : s.x().clone();
            double[] y = s.y().length == 0 ? new double[] {Double.NaN} : s.y().clone();
            for (int i = 0; i < y.length; i++) {
                if (!Double.isFinite(y[i])) {
                    y[i] = Double.NaN;
                }
            }
            XYSeries series = chart.addSeries(s.name(), x, y);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setLineStyle(new BasicStroke(2.2f));
        }
        for (Marker m : b.horizontal) {
            chart.addAnnotation(new AnnotationLine(m.value(), false, false));
        }
        for (Marker m : b.vertical) {
            chart.addAnnotation(new AnnotationLine(m.value(), true, false));
        }
        if (!b.horizontal.isEmpty() || !b.vertical.isEmpty()) {
            label(chart, xMin, xMax, yMin);
        }
        return chart;
    }

    /**
     * The markers' labels, placed in pixels as before: above a horizontal line near the plot's left edge; beside a
     * vertical line (left of it where the right edge is near) at the bottom of the plot, in up to four rows so that
     * close markers don't print over each other. XChart places text by its centre in data coordinates, known only
     * once the chart is laid out, so the chart is rendered once off-screen first.
     */
    private void label(XYChart chart, double xMin, double xMax, double yMin) {
        BufferedImage laidOut = BitmapEncoder.getBufferedImage(chart);
        Graphics2D g = laidOut.createGraphics();
        FontMetrics fm = g.getFontMetrics(LABEL_FONT);
        g.dispose();
        double left = chart.getScreenXFromChart(xMin);
        double right = chart.getScreenXFromChart(xMax);
        double bottom = chart.getScreenYFromChart(yMin);
        double halfHeight = fm.getAscent() / 2.0;
        for (Marker m : b.horizontal) {
            double cx = left + 6 + fm.stringWidth(m.label()) / 2.0;
            double cy = chart.getScreenYFromChart(m.value()) - 4 - halfHeight;
            chart.addAnnotation(new AnnotationText(m.label(), chart.getChartXFromCoordinate((int) Math.round(cx)),
                    chart.getChartYFromCoordinate((int) Math.round(cy)), false));
        }
        int row = 0;
        for (Marker m : b.vertical) {
            double px = chart.getScreenXFromChart(m.value());
            double half = fm.stringWidth(m.label()) / 2.0;
            double cx = px + 4 + 2 * half <= right ? px + 4 + half : px - 4 - half;
            double cy = bottom - 8 - 16 * (row++ % 4) - halfHeight;
            chart.addAnnotation(new AnnotationText(m.label(), chart.getChartXFromCoordinate((int) Math.round(cx)),
                    chart.getChartYFromCoordinate((int) Math.round(cy)), false));
        }
    }

    public void write(Path file) throws IOException {
        Charts.writePng(chart(), file);
    }

    /** Chart settings; a title and at least one series are required. */
    public static final class Builder extends ChartBuilder<Builder> {
        private double yMin = 0;
        private double yMax = Double.NaN;
        private final List<Series> series = new ArrayList<>();
        private final List<Marker> horizontal = new ArrayList<>();
        private final List<Marker> vertical = new ArrayList<>();

        private Builder() {}

        /** Bottom of the y axis [0]. */
        public Builder yMin(double v) { this.yMin = v; return this; }
        /** Top of the y axis [the data's top plus 8%]: a zoom, the plot cuts off lines above it. */
        public Builder yMax(double v) { this.yMax = v; return this; }
        /** One line; names must differ. */
        public Builder series(String name, double[] x, double[] y) {
            for (Series s : series) {
                if (s.name().equals(name)) {
                    throw new IllegalArgumentException("two series named " + name);
                }
            }
            series.add(new Series(name, x, y));
            return this;
        }
        public Builder horizontalLine(String label, double y) { horizontal.add(new Marker(label, y)); return this; }
        public Builder verticalLine(String label, double x) { vertical.add(new Marker(label, x)); return this; }

        public LineChart build() {
            if (series.isEmpty()) {
                throw new IllegalArgumentException("a line chart needs at least one series");
            }
            return new LineChart(this);
        }
    }
}
