package io.embedstream.experiments;

/** A model produced NaN or infinite embeddings (it diverged), so they cannot be evaluated. */
public final class NonFiniteEmbeddingException extends IllegalArgumentException {
    public NonFiniteEmbeddingException(String message) {
        super(message);
    }
}
