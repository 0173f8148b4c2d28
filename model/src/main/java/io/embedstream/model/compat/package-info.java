/**
 * Keeping vector indexes across versions: linear maps from one version's embedding space to another's, fitted on
 * images both versions embedded, so an index built with an old version can be carried forward without re-embedding.
 */
package io.embedstream.model.compat;
