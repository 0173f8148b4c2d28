/**
 * PNG charts drawn with Java2D on off-screen images (no external plotting tool, headless-safe): line charts of a
 * figure over training steps and grouped bar charts with error bars, for the experiment reports.
 */
package io.embedstream.experiments.chart;
