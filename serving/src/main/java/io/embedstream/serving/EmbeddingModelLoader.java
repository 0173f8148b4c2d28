package io.embedstream.serving;

import ai.djl.Device;
import io.embedstream.connectors.model.ModelManifest;
import io.embedstream.connectors.model.PublishedModel;
import io.embedstream.serving.ModelLoader;
import io.embedstream.model.net.Architecture;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.NetworkConfig;
import java.util.Map;

/**
 * Builds the DJL network a manifest describes ({@code architectureConfig}: name, input size, embedding size, input
 * normalisation) and loads the version's parameters into it: the {@link ModelLoader} for serving this project's
 * models with {@link io.embedstream.serving.ModelSubscriber}.
 */
public final class EmbeddingModelLoader implements ModelLoader<EmbeddingModel> {
    private final Device device;

    /** Loads onto the CPU. */
    public EmbeddingModelLoader() {
        this(Device.cpu());
    }

    public EmbeddingModelLoader(Device device) {
        this.device = device;
    }

    @Override
    public EmbeddingModel load(PublishedModel published) {
        // A TorchScript network's parameters are the whole network (TorchScriptNetwork#toTorchScript).
        return EmbeddingModel.fromParameters(networkConfig(published.manifest()), device, published.parameters());
    }

    /**
     * The network of a manifest; fields missing from {@code architectureConfig} fall back to the manifest's own
     * (architecture, input, embedding size) and to the default normalisation.
     *
     * @throws IllegalArgumentException if the architecture is unknown or the geometry invalid
     */
    public static NetworkConfig networkConfig(ModelManifest manifest) {
        Map<String, Object> a = manifest.architectureConfig();
        NetworkConfig defaults = NetworkConfig.builder().build();
        Architecture architecture = Architecture.parse(String.valueOf(a.getOrDefault("name", manifest.architecture())));
        return NetworkConfig.builder()
                .architecture(architecture)
                .backbone(architecture == Architecture.TORCHSCRIPT
                        ? String.valueOf(a.getOrDefault("backbone", "version " + manifest.version())) : null)
                .inputSize(integer(a, "height", manifest.input().height()), integer(a, "width", manifest.input().width()),
                        integer(a, "channels", manifest.input().channels()))
                .embeddingSize(integer(a, "embedding_size", manifest.embeddingSize()))
                .inputNormalization(NetworkConfig.fromManifestValue(a.getOrDefault("input_mean", defaults.inputMean().get(0))),
                        NetworkConfig.fromManifestValue(a.getOrDefault("input_std", defaults.inputStd().get(0))))
                .build();
    }

    private static int integer(Map<String, Object> map, String key, int fallback) {
        return map.get(key) instanceof Number n ? n.intValue() : fallback;
    }
}
