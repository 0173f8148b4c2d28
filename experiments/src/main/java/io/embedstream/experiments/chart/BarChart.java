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
 * A grouped bar chart: one group per category (e.g. a training configuration), one bar per measure in each
 * group (e.g. Precision@1 and MAP@R), each with an error bar (e.g. the standard deviation over seeds), written as
 * PNG. Build with {@link #builder()}.
 */
public final class BarChart {
    private final Builder b;

    private BarChart(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    public void write(Path file) throws IOException {
        double yMax = b.yMax;
        double yMin = b.yMin;
        if (Double.isNaN(yMax)) {
            yMax = 0;
            for (int m = 0; m < b.measures.size(); m++) {
                for (int c = 0; c < b.categories.size(); c++) {
                    yMax = Math.max(yMax, b.values[m][c] + b.errors[m][c]);
                }
            }
            yMax *= 1.1;
        }
        int groups = b.categories.size();
        ChartCanvas canvas = new ChartCanvas(b.width, b.height, 0, groups, yMin, yMax);
        canvas.frame(b.title, b.xLabel, b.yLabel, false);
        double groupWidth = (canvas.plotRight() - canvas.plotLeft()) / (double) groups;
        double barWidth = groupWidth * 0.75 / b.measures.size();
        List<Color> colors = new ArrayList<>();
        for (int m = 0; m < b.measures.size(); m++) {
            colors.add(ChartCanvas.PALETTE[m % ChartCanvas.PALETTE.length]);
        }
        canvas.g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int c = 0; c < groups; c++) {
            double left = canvas.plotLeft() + c * groupWidth + groupWidth * 0.125;
            for (int m = 0; m < b.measures.size(); m++) {
                double v = b.values[m][c];
                int x0 = (int) Math.round(left + m * barWidth);
                int top = canvas.y(Math.max(yMin, Math.min(yMax, v)));
                canvas.g.setColor(colors.get(m));
                canvas.g.fillRect(x0, top, (int) Math.max(1, barWidth - 2), canvas.plotBottom() - top);
                double e = b.errors[m][c];
                if (e > 0) {
                    int cx = x0 + (int) (barWidth / 2) - 1;
                    int hi = canvas.y(Math.min(yMax, v + e));
                    int lo = canvas.y(Math.max(yMin, v - e));
                    canvas.g.setColor(Color.BLACK);
                    canvas.g.setStroke(new BasicStroke(1.4f));
                    canvas.g.drawLine(cx, hi, cx, lo);
                    canvas.g.drawLine(cx - 4, hi, cx + 4, hi);
                    canvas.g.drawLine(cx - 4, lo, cx + 4, lo);
                }
            }
            canvas.g.setColor(Color.BLACK);
            canvas.centered(b.categories.get(c), (int) (canvas.plotLeft() + (c + 0.5) * groupWidth),
                    canvas.plotBottom() + 20);
        }
        canvas.legend(b.measures, colors);
        canvas.write(file);
    }

    /** Chart settings: categories, then one {@link #measure} call per measure with a value per category. */
    public static final class Builder {
        private String title = "";
        private String xLabel = "";
        private String yLabel = "";
        private int width = 960;
        private int height = 560;
        private double yMin = 0;
        private double yMax = Double.NaN;
        private List<String> categories = List.of();
        private final List<String> measures = new ArrayList<>();
        private double[][] values = new double[0][];
        private double[][] errors = new double[0][];

        private Builder() {}

        public Builder title(String v) { this.title = Objects.requireNonNull(v); return this; }
        public Builder xLabel(String v) { this.xLabel = Objects.requireNonNull(v); return this; }
        public Builder yLabel(String v) { this.yLabel = Objects.requireNonNull(v); return this; }
        public Builder size(int w, int h) { this.width = w; this.height = h; return this; }
        /** Fixed y range; by default [0, 1.1 x the highest bar with its error]. */
        public Builder yRange(double min, double max) { this.yMin = min; this.yMax = max; return this; }
        public Builder categories(List<String> v) { this.categories = List.copyOf(v); return this; }

        /** One bar per category, with its error bar half-length (0 = none). */
        public Builder measure(String name, double[] perCategory, double[] errorPerCategory) {
            if (perCategory.length != categories.size() || errorPerCategory.length != categories.size()) {
                throw new IllegalArgumentException("measure " + name + " needs one value and one error per category ("
                        + categories.size() + ")");
            }
            measures.add(name);
            values = append(values, perCategory.clone());
            errors = append(errors, errorPerCategory.clone());
            return this;
        }

        private static double[][] append(double[][] a, double[] row) {
            double[][] out = java.util.Arrays.copyOf(a, a.length + 1);
            out[a.length] = row;
            return out;
        }

        public BarChart build() {
            if (categories.isEmpty() || measures.isEmpty()) {
                throw new IllegalArgumentException("a bar chart needs categories and at least one measure");
            }
            return new BarChart(this);
        }
    }
}
