package io.embedstream.experiments.compat;

/**
 * What one version embedded: the index images (gallery), the query images, and the images the maps between
 * versions are fitted on (disjoint from both), and the version's CM class weights ({@code classes x d}, row-major;
 * empty when unknown). Rows of each array are the same images in every version.
 */
public record VersionEmbeddings(long step, float[][] gallery, float[][] queries, float[][] fit, float[] classWeights) {

    public VersionEmbeddings(long step, float[][] gallery, float[][] queries, float[][] fit) {
        this(step, gallery, queries, fit, new float[0]);
    }
}
