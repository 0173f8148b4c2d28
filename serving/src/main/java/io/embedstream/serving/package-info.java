/**
 * Serving published models in any JVM service: {@link io.embedstream.serving.ModelSubscriber} follows the
 * models topic (or a model directory), verifies each version (SHA-256, and the Ed25519 signature when a public key
 * is given), loads it with a caller-supplied {@link io.embedstream.serving.ModelLoader} and swaps it in
 * atomically; callers get results labelled with the version that computed them
 * ({@link io.embedstream.serving.Served}). Nothing here knows about training or about DJL.
 */
package io.embedstream.serving;
