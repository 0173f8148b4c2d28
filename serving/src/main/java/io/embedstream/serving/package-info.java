/**
 * Serving published models in any JVM service, without Flink: {@link io.embedstream.serving.ModelSubscriber}
 * follows the models topic (or a model directory), verifies each version (SHA-256, and the Ed25519 signature when a
 * public key is given), loads it with a {@link io.embedstream.serving.ModelLoader} and swaps it in atomically;
 * callers get results labelled with the version that computed them ({@link io.embedstream.serving.Served}).
 * {@link io.embedstream.serving.EmbeddingModelLoader} loads the project's networks with DJL, and
 * {@link io.embedstream.serving.ClassCentroids} answers the nearest class. A service depends on this module alone.
 */
package io.embedstream.serving;
