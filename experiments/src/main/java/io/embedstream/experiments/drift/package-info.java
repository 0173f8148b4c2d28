/**
 * The drift experiment's stream and its run: a stream of embedding windows from one distribution that switches,
 * abruptly or gradually, to another, or whose class mix changes, fed window by window to the class-aware drift
 * monitor of {@code io.embedstream.model.metrics.drift}; the result holds every window's figures and the detection
 * delays. Plain Java on embeddings: the command in {@code io.embedstream.experiments.cli} trains and embeds.
 */
package io.embedstream.experiments.drift;
