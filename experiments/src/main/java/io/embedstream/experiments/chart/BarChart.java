package io.embedstream.experiments.chart;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.CategoryStyler;

/**
 * A grouped bar chart: one group per category (e.g. a training configuration), one bar per measure in each
 * group (e.g. Precision@1 and MAP@R), each with an error bar (e.g. the standard deviation over seeds), written as
 * PNG. Build with {@link #builder()}; {@link #chart()} is the XChart model that {@link #write} encodes.
 */
public final class BarChart {
    private final Builder b;

    private BarChart(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The chart: one XChart series per measure, its x values the categories and its y values the measure's, with
     * the error bar half-lengths as the series' error bars; a measure whose errors are all 0 has none. The y axis
     * is the fixed range or [0, 1.1 x the highest bar with its error].
     */
    public CategoryChart chart() {
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
        if (!(yMax > yMin)) {
            yMax = yMin + 1;
        }
        CategoryChart chart = new CategoryChartBuilder().width(b.width).height(b.height).title(b.title)
                .xAxisTitle(b.xLabel).yAxisTitle(b.yLabel).build();
        CategoryStyler style = chart.getStyler();
        Charts.style(style);
        style.setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Bar);
        style.setAvailableSpaceFill(0.75);
        style.setOverlapped(false);
        style.setPlotGridVerticalLinesVisible(false);
        style.setErrorBarsColor(Color.BLACK);
        style.setErrorBarsColorSeriesColor(false);
        style.setYAxisMin(yMin).setYAxisMax(yMax);
        for (int m = 0; m < b.measures.size(); m++) {
            List<Double> values = Arrays.stream(b.values[m]).boxed().toList();
            boolean anyError = Arrays.stream(b.errors[m]).anyMatch(e -> e > 0);
            List<Double> errors = anyError ? Arrays.stream(b.errors[m]).map(e -> Math.max(0, e)).boxed().toList() : null;
            chart.addSeries(b.measures.get(m), b.categories, values, errors);
        }
        return chart;
    }

    public void write(Path file) throws IOException {
        Charts.writePng(chart(), file);
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
        /** The groups, in order; names must differ. */
        public Builder categories(List<String> v) {
            if (v.stream().distinct().count() != v.size()) {
                throw new IllegalArgumentException("categories repeat: " + v);
            }
            this.categories = List.copyOf(v);
            return this;
        }

        /** One bar per category, with its error bar half-length (0 = none); names must differ. */
        public Builder measure(String name, double[] perCategory, double[] errorPerCategory) {
            if (perCategory.length != categories.size() || errorPerCategory.length != categories.size()) {
                throw new IllegalArgumentException("measure " + name + " needs one value and one error per category ("
                        + categories.size() + ")");
            }
            if (measures.contains(name)) {
                throw new IllegalArgumentException("two measures named " + name);
            }
            measures.add(name);
            values = append(values, perCategory.clone());
            errors = append(errors, errorPerCategory.clone());
            return this;
        }

        private static double[][] append(double[][] a, double[] row) {
            double[][] out = Arrays.copyOf(a, a.length + 1);
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
