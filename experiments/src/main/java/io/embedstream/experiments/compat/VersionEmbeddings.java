package io.embedstream.experiments.compat;

/**
 * What one version embedded: the index images (gallery), the query images, and the images the maps between
 * versions are fitted on (disjoint from both). Rows of each array are the same images in every version.
 */
public record VersionEmbeddings(long step, float[][] gallery, float[][] queries, float[][] fit) {}
