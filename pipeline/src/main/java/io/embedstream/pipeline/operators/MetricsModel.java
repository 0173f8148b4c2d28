package io.embedstream.pipeline.operators;

import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.train.Devices;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.types.ModelSnapshot;
import io.embedstream.pipeline.types.ScoredImage;
import java.util.List;

/**
 * The metrics operator's copy of the latest published model version, which embeds the probe set and the drift
 * samples. The network is created with the first version and reloaded with each next one.
 */
final class MetricsModel implements AutoCloseable {
    private static final int EMBED_BATCH = 128;

    private final TrainerConfig config;
    private final String device;
    private EmbeddingModel model;
    private long version;
    private byte[] parameters;
    private long imagesEmbedded;

    /** @param device the metrics operator's own device ({@code metrics.device}), not the trainer's */
    MetricsModel(TrainerConfig config, String device) {
        this.config = config;
        this.device = device;
    }

    void load(ModelSnapshot snapshot) {
        if (model == null) {
            // From the parameters themselves: a TorchScript network's are the whole network, no backbone file needed.
            model = EmbeddingModel.fromParameters(config.network(), Devices.parse(device), snapshot.parameters);
        } else {
            model.loadParameters(snapshot.parameters);
        }
        version = snapshot.version;
        parameters = snapshot.parameters;
    }

    /** Loads parameters kept from an earlier {@link #parameters()} (the drift reference's encoder). */
    void load(long version, byte[] parameters) {
        ModelSnapshot snapshot = new ModelSnapshot();
        snapshot.version = version;
        snapshot.parameters = parameters;
        load(snapshot);
    }

    /** The parameters loaded last, or null. */
    byte[] parameters() {
        return parameters;
    }

    /** Whether a network exists (it does once the first version arrived, even if that version failed to load). */
    boolean loaded() {
        return model != null;
    }

    /** The version whose parameters were loaded last. */
    long version() {
        return version;
    }

    float[][] embed(List<ScoredImage> images) {
        imagesEmbedded += images.size();
        return model.embed(images.stream().map(ScoredImage::toLabeledImage).toList(), EMBED_BATCH);
    }

    /** How many images this copy has embedded (forward passes are the metrics operator's main cost). */
    long imagesEmbedded() {
        return imagesEmbedded;
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}
