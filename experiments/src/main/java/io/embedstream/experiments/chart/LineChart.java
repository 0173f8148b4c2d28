package io.embedstream.experiments.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A line chart of several series over a shared x axis (e.g. effective rank over training steps, one line per
 * configuration), with optional dashed horizontal reference lines (a threshold) and vertical markers (an alarm,
 * a change in the stream), written as PNG. Build with {@link #builder()}.
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

    private final Builder b;

    private LineChart(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    public void write(Path file) throws IOException {
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
        yMax = yMax + (yMax - yMin) * 0.08;
        ChartCanvas c = new ChartCanvas(b.width, b.height, xMin, xMax, yMin, yMax);
        c.frame(b.title, b.xLabel, b.yLabel, true);
        c.g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (Marker m : b.horizontal) {
            int py = c.y(m.value());
            c.g.setColor(Color.GRAY);
            c.g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0));
            c.g.drawLine(c.plotLeft(), py, c.plotRight(), py);
            c.g.drawString(m.label(), c.plotLeft() + 6, py - 4);
        }
        int labelRow = 0;
        for (Marker m : b.vertical) {
            int px = c.x(m.value());
            c.g.setColor(new Color(0x555555));
            c.g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {3, 4}, 0));
            c.g.drawLine(px, c.plotTop(), px, c.plotBottom());
            c.g.drawString(m.label(), px + 4, c.plotBottom() - 8 - 16 * (labelRow++ % 4));
        }
        List<Color> colors = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int s = 0; s < b.series.size(); s++) {
            Series series = b.series.get(s);
            Color color = ChartCanvas.PALETTE[s % ChartCanvas.PALETTE.length];
            colors.add(color);
            names.add(series.name());
            c.g.setColor(color);
            c.g.setStroke(new BasicStroke(2.2f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < series.x().length; i++) {
                if (!Double.isFinite(series.y()[i])) {
                    px = -1;
                    continue;
                }
                int nx = c.x(series.x()[i]);
                int ny = c.y(series.y()[i]);
                if (px >= 0) {
                    c.g.drawLine(px, py, nx, ny);
                }
                c.g.fillOval(nx - 3, ny - 3, 6, 6);
                px = nx;
                py = ny;
            }
        }
        c.legend(names, colors);
        c.write(file);
    }

    /** Chart settings; a title and at least one series are required. */
    public static final class Builder {
        private String title = "";
        private String xLabel = "";
        private String yLabel = "";
        private int width = 960;
        private int height = 560;
        private double yMin = 0;
        private final List<Series> series = new ArrayList<>();
        private final List<Marker> horizontal = new ArrayList<>();
        private final List<Marker> vertical = new ArrayList<>();

        private Builder() {}

        public Builder title(String v) { this.title = Objects.requireNonNull(v); return this; }
        public Builder xLabel(String v) { this.xLabel = Objects.requireNonNull(v); return this; }
        public Builder yLabel(String v) { this.yLabel = Objects.requireNonNull(v); return this; }
        /** Image size in pixels [960 x 560]. */
        public Builder size(int w, int h) { this.width = w; this.height = h; return this; }
        /** Bottom of the y axis [0]. */
        public Builder yMin(double v) { this.yMin = v; return this; }
        public Builder series(String name, double[] x, double[] y) { series.add(new Series(name, x, y)); return this; }
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
