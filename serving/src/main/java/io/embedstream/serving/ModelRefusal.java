package io.embedstream.serving;

import java.time.Instant;

/**
 * A model version that was not served, and why: incomplete, a SHA-256 or signature mismatch, or a loader failure.
 *
 * @param version the version as its record key or directory gives it (text, since a bad key may not be a number)
 * @param reason  why, e.g. {@code sha256 mismatch for version 3: ...}
 * @param at      when it was refused
 */
public record ModelRefusal(String version, String reason, Instant at) {
}
