package io.embedstream.experiments.cli;

import io.embedstream.connectors.model.ModelManifest;
import io.embedstream.model.net.Architecture;
import io.embedstream.model.net.NetworkConfig;
import java.util.Map;

/** The network a published model was trained with, rebuilt from its manifest's {@code architectureConfig}. */
final class ManifestNetwork {
    private ManifestNetwork() {}

    static NetworkConfig of(ModelManifest manifest) {
        Map<String, Object> a = manifest.architectureConfig();
        try {
            return NetworkConfig.builder()
                    .architecture(Architecture.parse(String.valueOf(a.getOrDefault("name", manifest.architecture()))))
                    .backbone(a.get("backbone") == null ? null : String.valueOf(a.get("backbone")))
                    .inputSize(number(a, "height").intValue(), number(a, "width").intValue(),
                            number(a, "channels").intValue())
                    .embeddingSize(number(a, "embedding_size").intValue())
                    .inputNormalization(NetworkConfig.fromManifestValue(a.get("input_mean")),
                            NetworkConfig.fromManifestValue(a.get("input_std")))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model version " + manifest.version() + ": its manifest does not"
                    + " describe a network this build knows: " + e.getMessage(), e);
        }
    }

    private static Number number(Map<String, Object> a, String key) {
        Object v = a.get(key);
        if (v instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("architectureConfig." + key + " is " + (v == null ? "missing" : "'" + v + "'"));
    }
}
