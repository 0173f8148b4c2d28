package io.embedstream.serving;

import io.embedstream.connectors.model.PublishedModel;

/**
 * Turns a verified model version into something that serves requests (a DJL network, a lookup table...). If the
 * result is {@link AutoCloseable} it is closed once it is no longer served and no caller holds a lease on it.
 *
 * @param <M> the loaded model
 */
@FunctionalInterface
public interface ModelLoader<M> {

    /**
     * Loads one version; called on the subscriber's thread while the previous version keeps serving.
     *
     * @throws Exception if the version cannot be loaded: it is refused and counted, the previous one stays
     */
    M load(PublishedModel model) throws Exception;
}
