package io.embedstream.model.metrics.drift;

/**
 * Knobs of {@link ClassConditionalDrift}: one {@link ErtMmdDetector} per class, on that class's reference
 * rows and that class's rows in each window.
 *
 * @param familyExpectedRunTime  mean number of windows between false class-drift alarms over all monitored
 *                               classes together (default 500). Each of the K monitored classes gets
 *                               ERT = K x this, so that K independent detectors together alarm falsely about
 *                               once per familyExpectedRunTime windows (a Bonferroni split of the rate)
 * @param windowSteps            W of each class detector (default 2)
 * @param rowsPerStep            b: rows of the class drawn from each window (default 16); a window with fewer
 *                               rows of a class does not test that class
 * @param bootstrapsPerErt       simulated streams per unit of per-class ERT (default 20, at least 10)
 * @param seed                   seed; each class's detector derives its own from it (default 7)
 *
 * <p>A class is monitored when the reference holds at least {@link #minReferenceRows()} of its rows, the least
 * an {@link ErtMmdDetector} accepts: 6 x W x b (192 at the defaults);
 * the comments on {@link ErtMmdConfig} about the comparison part apply per class, so a class with only a
 * few hundred reference rows has a less exact per-class ERT.
 */
public record ClassDriftConfig(int familyExpectedRunTime, int windowSteps, int rowsPerStep, int bootstrapsPerErt,
                               long seed) {

    public ClassDriftConfig {
        if (familyExpectedRunTime < 2) {
            throw new IllegalArgumentException("familyExpectedRunTime must be at least 2 windows, got " + familyExpectedRunTime);
        }
        if (windowSteps < 1 || windowSteps > 64) {
            throw new IllegalArgumentException("windowSteps must be between 1 and 64, got " + windowSteps);
        }
        if (rowsPerStep < 2) {
            throw new IllegalArgumentException("rowsPerStep must be at least 2, got " + rowsPerStep);
        }
        if (bootstrapsPerErt < 10) {
            throw new IllegalArgumentException("bootstrapsPerErt must be at least 10, got " + bootstrapsPerErt);
        }
    }

    public static ClassDriftConfig defaults() {
        return new ClassDriftConfig(500, 2, 16, 20, 7L);
    }

    /** Reference rows a class needs to be monitored: {@link ErtMmdConfig#minReferenceRows(int, int)}. */
    public long minReferenceRows() {
        return ErtMmdConfig.minReferenceRows(windowSteps, rowsPerStep);
    }

    public ClassDriftConfig withFamilyExpectedRunTime(int v) {
        return new ClassDriftConfig(v, windowSteps, rowsPerStep, bootstrapsPerErt, seed);
    }

    public ClassDriftConfig withSteps(int w, int b) {
        return new ClassDriftConfig(familyExpectedRunTime, w, b, bootstrapsPerErt, seed);
    }

    public ClassDriftConfig withSeed(long v) {
        return new ClassDriftConfig(familyExpectedRunTime, windowSteps, rowsPerStep, bootstrapsPerErt, v);
    }
}
