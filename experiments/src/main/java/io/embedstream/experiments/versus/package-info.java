/**
 * {@code fit} against the plain PyTorch reference loop (issue 19, item 2): the loop runs as a subprocess on the
 * same images, and its trained network embeds the very images the Java evaluator scores.
 */
package io.embedstream.experiments.versus;
