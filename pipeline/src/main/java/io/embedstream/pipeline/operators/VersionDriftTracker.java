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

    /**
     * A new version's embeddings of the probe set, row by row in the probe set's order.
     *
     * @param labels each row's class index; {@link ClassIndexLookup#UNKNOWN} for a named class that no version has
     *               trained on yet: such rows are left out of both versions' figures, since they have no class to
     *               compare by (they join once a version names their class); when no row has a class yet, the
     *               versions are compared on every row without per-class figures
     */
    void observe(float[][] probeEmbeddings, int[] labels, long version) {
        int[] known = ClassIndexLookup.known(labels);
        if (known != null && known.length == 0) {
            known = null;
            labels = null;
        }
        float[][] currentRows = known == null ? probeEmbeddings : ClassIndexLookup.select(probeEmbeddings, known);
        int[] knownLabels = known == null ? labels : ClassIndexLookup.select(labels, known);
        EmbeddingWindow current = EmbeddingWindow.ofRows(currentRows, knownLabels, null);
        if (state.previousProbe != null) {
            float[][] previousRows = known == null ? state.previousProbe
                    : ClassIndexLookup.select(state.previousProbe, known);
            EmbeddingWindow previous = EmbeddingWindow.ofRows(previousRows, knownLabels, null);
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
