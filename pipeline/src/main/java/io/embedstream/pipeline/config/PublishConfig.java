package io.embedstream.pipeline.config;

import java.io.Serializable;

/**
 * When and how model versions are published.
 *
 * <p>Defaults: every 100 steps or 60 seconds, whichever comes first, and once the trainer has had no batch for 10
 * seconds (the tail of a stream that pauses or ends); exactly-once (versions become visible to
 * read-committed consumers when the checkpoint that covers them completes); no model directory; unsigned.
 *
 * @param everySteps publish after this many steps since the last version (0 = never by steps)
 * @param everySeconds publish after this long since the last version (0 = never by time)
 * @param whenIdleSeconds publish the steps since the last version once no batch came for this long (0 = never)
 * @param exactlyOnce transactional sink; false = at-least-once (lower latency, a restart may publish a version
 *     number twice)
 * @param modelDirectory also write {@code v<version>/manifest.json} and parameters here (null = off)
 * @param signingKey Ed25519 private key file (PKCS#8, PEM or DER) that signs every manifest (null = unsigned); read
 *     where the publishing operators run, so it must be present on the task managers
 */
public record PublishConfig(long everySteps, long everySeconds, long whenIdleSeconds, boolean exactlyOnce,
                            String modelDirectory, String signingKey) implements Serializable {

    public PublishConfig {
        if (everySteps < 0 || everySeconds < 0 || (everySteps == 0 && everySeconds == 0)) {
            throw new IllegalArgumentException("publish every N steps and/or T seconds: both >= 0 and not both 0, got "
                    + everySteps + " and " + everySeconds);
        }
        if (whenIdleSeconds < 0) {
            throw new IllegalArgumentException("publish.when-idle-seconds must be >= 0 (0 = off), got " + whenIdleSeconds);
        }
    }

    /** Unsigned publication on a cadence alone, nothing when idle: what tests that count versions want. */
    public PublishConfig(long everySteps, long everySeconds, boolean exactlyOnce, String modelDirectory) {
        this(everySteps, everySeconds, 0, exactlyOnce, modelDirectory, null);
    }

    public static PublishConfig defaults() {
        return new PublishConfig(100, 60, 10, true, null, null);
    }

    public PublishConfig withSigningKey(String path) {
        return new PublishConfig(everySteps, everySeconds, whenIdleSeconds, exactlyOnce, modelDirectory, path);
    }
}
