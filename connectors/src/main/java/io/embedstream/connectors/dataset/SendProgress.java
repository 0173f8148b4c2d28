package io.embedstream.connectors.dataset;

/** Receives progress of a {@link DatasetProducer#send} call. */
@FunctionalInterface
public interface SendProgress {

    /** Ignores progress. */
    SendProgress NONE = (submitted, acknowledged, failed) -> { };

    /**
     * Called on the sending thread every {@code progressEvery} images and once more at the end.
     *
     * @param submitted    images handed to the producer so far
     * @param acknowledged images the broker has acknowledged so far
     * @param failed       images that failed so far
     */
    void onProgress(long submitted, long acknowledged, long failed);
}
