/**
 * The model publication format (topic {@code embedstream.models}): a version is chunk records then a JSON
 * manifest, keyed by version ({@link io.embedstream.connectors.model.ModelTopic}); split by
 * {@link io.embedstream.connectors.model.ModelChunker}, published transactionally by
 * {@link io.embedstream.connectors.model.ModelPublisher}, reassembled and verified by
 * {@link io.embedstream.connectors.model.ModelAssembler}, and stored locally by
 * {@link io.embedstream.connectors.model.ModelDirectoryWriter}. Manifests may be signed with Ed25519
 * ({@link io.embedstream.connectors.model.ManifestSigner}, {@link io.embedstream.connectors.model.ManifestVerifier},
 * keys in {@link io.embedstream.connectors.model.Ed25519Keys}).
 */
package io.embedstream.connectors.model;
