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
    /** One comparison of two versions on the probe set. */
    record Comparison(long fromVersion, long toVersion, VersionDriftReport report) {}

    private final VersionDrift versionDrift = VersionDrift.withDefaults();
    private final MetricsOperator.MetricsState state;
    private final CollapseDriftDetector detector;
    private final List<AlarmEvent> pendingAlarms = new ArrayList<>();
    private Comparison latest;

    VersionDriftTracker(MetricsOperator.MetricsState state, CollapseDriftDetector detector) {
        this.state = state;
        this.detector = detector;
    }

    /** A new version's embeddings of the probe set, row by row in the probe set's order. */
    void observe(float[][] probeEmbeddings, int[] labels, long version) {
        EmbeddingWindow current = EmbeddingWindow.ofRows(probeEmbeddings, labels, null);
        if (state.previousProbe != null) {
            EmbeddingWindow previous = EmbeddingWindow.ofRows(state.previousProbe, labels, null);
            latest = new Comparison(state.previousProbeVersion, version, versionDrift.compare(previous, current));
            pendingAlarms.addAll(detector.observeVersionDrift(latest.report()));
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
