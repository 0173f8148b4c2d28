package io.embedstream.serving;

import io.embedstream.connectors.model.ModelManifest;
import io.embedstream.model.compat.EmbeddingMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The linear maps between promoted versions' embedding spaces, as the job publishes them: each promoted version's
 * manifest extra {@value #EXTRA} maps the previously promoted version's space to its own (least squares on the
 * held-out set; Procrustes with scale before 2026-12-03). Composed along the chain they carry a vector index built
 * with an old version to a newer one without re-embedding. {@link ModelSubscriber#compatibilityMap} answers from one;
 * public so that an offline measurement composes the published maps exactly as a subscriber does. Thread-safe; keeps
 * the most recent {@value #KEPT} links.
 */
public final class CompatibilityChain {
    public static final String EXTRA = "compat_map";
    private static final int KEPT = 64;

    private record Link(long from, EmbeddingMap map) {}

    private final LinkedHashMap<Long, Link> links = new LinkedHashMap<>();

    /** Records the manifest's map, if it has one; a malformed one is ignored (the version still serves). */
    public synchronized void record(ModelManifest manifest) {
        Object extra = manifest.extras().get(EXTRA);
        if (!(extra instanceof Map<?, ?> m) || !(m.get("from_version") instanceof Number from)
                || !(m.get("rows") instanceof Number rows) || !(m.get("cols") instanceof Number cols)
                || !(m.get("matrix") instanceof List<?> values)) {
            return;
        }
        double[] matrix = new double[values.size()];
        for (int i = 0; i < matrix.length; i++) {
            if (!(values.get(i) instanceof Number v)) {
                return;
            }
            matrix[i] = v.doubleValue();
        }
        try {
            links.put(manifest.version(), new Link(from.longValue(),
                    EmbeddingMap.of(rows.intValue(), cols.intValue(), matrix)));
        } catch (IllegalArgumentException e) {
            return;
        }
        Iterator<Long> oldest = links.keySet().iterator();
        while (links.size() > KEPT && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    /**
     * The map from {@code from}'s space to {@code to}'s, composed along the chain of links that leads back from
     * {@code to}; empty when {@code from} is not on that chain (or a link is missing).
     */
    public synchronized Optional<EmbeddingMap> between(long from, long to, int dimension) {
        if (from == to) {
            return Optional.of(EmbeddingMap.identity(dimension));
        }
        List<EmbeddingMap> backwards = new ArrayList<>();
        long at = to;
        while (at != from) {
            Link link = links.get(at);
            if (link == null || link.from() >= at || link.from() < from) {
                return Optional.empty();
            }
            backwards.add(link.map());
            at = link.from();
        }
        EmbeddingMap composed = backwards.get(backwards.size() - 1);
        for (int i = backwards.size() - 2; i >= 0; i--) {
            composed = composed.then(backwards.get(i));
        }
        return Optional.of(composed);
    }
}
