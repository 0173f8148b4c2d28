/**
 * PNG charts for the experiment reports, drawn by XChart (org.knowm.xchart, headless-safe): line charts of a figure
 * over training steps with reference lines and markers, and grouped bar charts with error bars. Each chart class is
 * a small builder whose {@code chart()} returns the XChart model and {@code write} encodes it as PNG.
 *
 * <p>Why XChart rather than JFreeChart: both draw these two kinds of chart (JFreeChart even has a statistical bar
 * renderer), but XChart is Apache-2.0 licensed like the rest of the fat jar's libraries, where JFreeChart is LGPL,
 * and it is one small jar (about 350 KB) with a plain API for line and category charts: series in, PNG out through
 * {@code BitmapEncoder}. Its vector, PDF and GIF encoders need further libraries (VectorGraphics2D, LGPL;
 * pdfbox-graphics2d with pdfbox, whose POM drags JUnit in at compile scope; animated-gif-lib); PNG needs none of
 * them, so the root POM leaves them out. What XChart lacks, labels beside annotation lines, {@link
 * io.embedstream.experiments.chart.LineChart} places itself.
 */
package io.embedstream.experiments.chart;
