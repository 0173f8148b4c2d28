package io.embedstream.pipeline.operators;

import io.embedstream.model.metrics.AlarmEvent;
import io.embedstream.model.metrics.CollapseDriftDetector;
import io.embedstream.model.metrics.EmbeddingWindow;
import io.embedstream.model.metrics.VersionDrift;
import io.embedstream.model.metrics.VersionDriftReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Model-version drift: the probe set embedded by each new version is compared with the previous version's
 * embeddings (checkpointed, so that the comparison survives a restore). The latest comparison is repeated in every
 * window until the next one; the alarms it causes wait for the next window's record.
 */
final class VersionDriftTracker {
    /**
     * One comparison of two versions on the probe set.
     *
     * @param warmupLeft comparisons still to come before this tracker lets VERSION_DRIFT be raised (0 once it does;
     *                   empty when there is no warm-up)
     */
    record Comparison(long fromVersion, long toVersion, VersionDriftReport report, java.util.OptionalLong warmupLeft) {
    }

    private final VersionDrift versionDrift = VersionDrift.withDefaults();
    private final MetricsOperator.MetricsState state;
    private final CollapseDriftDetector detector;
    private final List<AlarmEvent> pendingAlarms = new ArrayList<>();
    private Comparison latest;

    private final int warmupVersions;

    /**
     * @param warmupVersions comparisons whose figures are published but which cannot raise VERSION_DRIFT: while a
     *                       young model still moves a lot with every version, a low CKA says "still warming up", not
     *                       "the index built with the previous version is stale"
     */
    VersionDriftTracker(MetricsOperator.MetricsState state, CollapseDriftDetector detector, int warmupVersions) {
        this.state = state;
        this.detector = detector;
        this.warmupVersions = warmupVersions;
    }

    /** A new version's embeddings of the probe set, row by row in the probe set's order. */
    void observe(float[][] probeEmbeddings, int[] labels, long version) {
        EmbeddingWindow current = EmbeddingWindow.ofRows(probeEmbeddings, labels, null);
        if (state.previousProbe != null) {
            EmbeddingWindow previous = EmbeddingWindow.ofRows(state.previousProbe, labels, null);
            VersionDriftReport report = versionDrift.compare(previous, current);
            long done = ++state.versionComparisons;
            long left = Math.max(0, warmupVersions - done);
            latest = new Comparison(state.previousProbeVersion, version, report,
                    warmupVersions > 0 ? java.util.OptionalLong.of(left) : java.util.OptionalLong.empty());
            if (done > warmupVersions) {
                pendingAlarms.addAll(detector.observeVersionDrift(report));
            }
        }
        state.previousProbe = probeEmbeddings;
        state.previousProbeVersion = version;
    }

    Optional<Comparison> latest() {
        return Optional.ofNullable(latest);
    }

    /** The alarm events of comparisons since the last call, oldest first. */
    List<AlarmEvent> takeAlarms() {
        List<AlarmEvent> alarms = new ArrayList<>(pendingAlarms);
        pendingAlarms.clear();
        return alarms;
    }
}
