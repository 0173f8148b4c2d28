package io.embedstream.model.eval;

import java.util.Locale;

/** How neighbours are ranked. */
public enum SimilarityMetric {
    /** Cosine similarity: embeddings are L2-normalised first (the default; what CM and the class proxies use). */
    COSINE,
    /** Euclidean distance on the raw embeddings (what LDMAT shapes). */
    EUCLIDEAN;

    public static SimilarityMetric parse(String name) {
        for (SimilarityMetric m : values()) {
            if (m.name().equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown similarity metric '" + name + "'; expected cosine or euclidean");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
