package io.embedstream.serving;

/**
 * Which version a {@link ModelSubscriber} serves first.
 *
 * @param version -1 for {@link #latest()}, else the first version to serve (or the first one after it)
 */
public record StartPosition(long version) {

    public StartPosition {
        if (version < -1) {
            throw new IllegalArgumentException("start version must be >= 0, got " + version);
        }
    }

    /** The newest complete, acceptable version at start-up (the default). */
    public static StartPosition latest() {
        return new StartPosition(-1);
    }

    /** Version {@code version}, or the first version after it if it is absent or refused. */
    public static StartPosition version(long version) {
        if (version < 0) {
            throw new IllegalArgumentException("start version must be >= 0, got " + version);
        }
        return new StartPosition(version);
    }

    public boolean isLatest() {
        return version < 0;
    }

    @Override
    public String toString() {
        return isLatest() ? "latest" : "version " + version;
    }
}
