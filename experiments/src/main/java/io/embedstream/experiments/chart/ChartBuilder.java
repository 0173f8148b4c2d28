package io.embedstream.experiments.chart;

import java.util.Objects;
import java.util.function.BiFunction;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;

/**
 * The settings every chart's builder has (title, axis labels, image size) and the frame they give the XChart model:
 * a chart of that size with that title and those labels, in the shared look ({@link Charts#style}). {@code B} is
 * the concrete builder, so that the setters chain with its own.
 */
abstract class ChartBuilder<B extends ChartBuilder<B>> {
    private String title = "";
    private String xLabel = "";
    private String yLabel = "";
    private int width = 960;
    private int height = 560;

    public B title(String v) {
        title = Objects.requireNonNull(v);
        return self();
    }

    public B xLabel(String v) {
        xLabel = Objects.requireNonNull(v);
        return self();
    }

    public B yLabel(String v) {
        yLabel = Objects.requireNonNull(v);
        return self();
    }

    /** Image size in pixels [960 x 560]. */
    public B size(int w, int h) {
        width = w;
        height = h;
        return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** A new chart ({@code newChart} of width and height) with the title and axis labels, styled. */
    <C extends Chart<? extends AxesChartStyler, ?>> C frame(BiFunction<Integer, Integer, C> newChart) {
        C chart = newChart.apply(width, height);
        chart.setTitle(title);
        chart.setXAxisTitle(xLabel);
        chart.setYAxisTitle(yLabel);
        Charts.style(chart.getStyler());
        return chart;
    }
}
