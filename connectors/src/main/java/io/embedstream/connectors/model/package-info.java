/**
 * The model publication format (topic {@code embedstream.models}): a version is chunk records then a JSON
 * manifest, keyed by version ({@link io.embedstream.connectors.model.ModelTopic}); split by
 * {@link io.embedstream.connectors.model.ModelChunker}, published transactionally by
 * {@link io.embedstream.connectors.model.ModelPublisher}, reassembled and verified by
 * {@link io.embedstream.connectors.model.ModelAssembler}, and stored locally by
 * {@link io.embedstream.connectors.model.ModelDirectoryWriter}.
 */
package io.embedstream.connectors.model;
