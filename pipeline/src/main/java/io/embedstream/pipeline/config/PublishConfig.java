package io.embedstream.pipeline.config;

import java.io.Serializable;

/**
 * When and how model versions are published.
 *
 * <p>Defaults: every 100 steps or 60 seconds, whichever comes first; exactly-once (versions become visible to
 * read-committed consumers when the checkpoint that covers them completes); no model directory.
 *
 * @param everySteps publish after this many steps since the last version (0 = never by steps)
 * @param everySeconds publish after this long since the last version (0 = never by time)
 * @param exactlyOnce transactional sink; false = at-least-once (lower latency, a restart may publish a version
 *     number twice)
 * @param modelDirectory also write {@code v<version>/manifest.json} and parameters here (null = off)
 */
public record PublishConfig(long everySteps, long everySeconds, boolean exactlyOnce, String modelDirectory)
        implements Serializable {

    public PublishConfig {
        if (everySteps < 0 || everySeconds < 0 || (everySteps == 0 && everySeconds == 0)) {
            throw new IllegalArgumentException("publish every N steps and/or T seconds: both >= 0 and not both 0, got "
                    + everySteps + " and " + everySeconds);
        }
    }

    public static PublishConfig defaults() {
        return new PublishConfig(100, 60, true, null);
    }
}
