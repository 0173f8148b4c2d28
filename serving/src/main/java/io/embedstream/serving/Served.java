package io.embedstream.serving;

/**
 * A result computed with one model version, labelled with that version.
 *
 * @param version the model version that computed {@code value}
 * @param value   the result
 * @param <R>     the result type
 */
public record Served<R>(long version, R value) {
}
