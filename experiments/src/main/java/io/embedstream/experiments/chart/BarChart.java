package io.embedstream.experiments.chart;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.CategoryChart;
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
     * is [0, 1.1 x the highest bar with its error] ([0, 1] when nothing is above 0).
     */
    public CategoryChart chart() {
        double yMax = 0;
        for (int m = 0; m < b.measures.size(); m++) {
            for (int c = 0; c < b.categories.size(); c++) {
                yMax = Math.max(yMax, b.values[m][c] + b.errors[m][c]);
            }
        }
        yMax = yMax > 0 ? 1.1 * yMax : 1;
        CategoryChart chart = b.frame(CategoryChart::new);
        CategoryStyler style = chart.getStyler();
        style.setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Bar);
        style.setAvailableSpaceFill(0.75);
        style.setOverlapped(false);
        style.setPlotGridVerticalLinesVisible(false);
        style.setErrorBarsColor(Color.BLACK);
        style.setErrorBarsColorSeriesColor(false);
        style.setYAxisMin(0.0).setYAxisMax(yMax);
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
    public static final class Builder extends ChartBuilder<Builder> {
        private List<String> categories = List.of();
        private final List<String> measures = new ArrayList<>();
        private double[][] values = new double[0][];
        private double[][] errors = new double[0][];

        private Builder() {}

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
