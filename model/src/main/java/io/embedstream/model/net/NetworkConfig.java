package io.embedstream.model.net;

import java.util.List;

/**
 * What the embedding network looks like: architecture, input geometry and embedding size, plus the
 * per-channel input normalisation applied to pixels scaled to [0, 1]: {@code (p / 255 - mean[c]) / std[c]}.
 *
 * <p>Defaults: {@link Architecture#CM_MNIST}, 28x28x1, embedding 128, normalisation mean 0.1307 / std
 * 0.3081 (MNIST statistics, as in the CM paper).
 *
 * @param inputMean one value per channel (the builder repeats a single value for every channel)
 * @param inputStd one value per channel, each &gt; 0
 * @param backbone where the TorchScript backbone of {@link Architecture#TORCHSCRIPT} lives (a path, or a URI that the
 *                 {@link BackboneSource} in use can read); null for the built-in architectures
 */
public record NetworkConfig(
        Architecture architecture, int height, int width, int channels, int embeddingSize,
        List<Float> inputMean, List<Float> inputStd, String backbone) implements java.io.Serializable {

    /** The smallest input side each architecture accepts (three/four stride-2 reductions must leave a pixel). */
    private static final int MIN_SIDE = 8;

    public NetworkConfig {
        if (architecture == null) {
            throw new IllegalArgumentException("architecture must be set");
        }
        if (embeddingSize <= 0) {
            throw new IllegalArgumentException("embedding size must be positive, got " + embeddingSize);
        }
        if (height < MIN_SIDE || width < MIN_SIDE) {
            throw new IllegalArgumentException("input must be at least " + MIN_SIDE + "x" + MIN_SIDE
                    + " pixels, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("input channels must be 1 or 3, got " + channels);
        }
        if ((architecture == Architecture.TORCHSCRIPT) != (backbone != null && !backbone.isBlank())) {
            throw new IllegalArgumentException(architecture == Architecture.TORCHSCRIPT
                    ? "the torchscript architecture needs a backbone file (torchscript:PATH)"
                    : "only the torchscript architecture takes a backbone file, not " + architecture.cliName());
        }
        if (inputMean == null || inputStd == null || inputMean.size() != channels || inputStd.size() != channels) {
            throw new IllegalArgumentException("input normalisation needs one mean and one std per channel (" + channels
                    + "), got mean " + inputMean + " std " + inputStd);
        }
        for (int c = 0; c < channels; c++) {
            if (!(inputStd.get(c) > 0) || !Float.isFinite(inputStd.get(c)) || !Float.isFinite(inputMean.get(c))) {
                throw new IllegalArgumentException("input normalisation needs finite means and stds > 0, got mean "
                        + inputMean + " std " + inputStd);
            }
        }
        inputMean = List.copyOf(inputMean);
        inputStd = List.copyOf(inputStd);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().architecture(architecture).inputSize(height, width, channels)
                .embeddingSize(embeddingSize).inputNormalization(toArray(inputMean), toArray(inputStd)).backbone(backbone);
    }

    /**
     * A normalisation as the manifest records it: one number when every channel has the same value (as manifests
     * always had), else the list of per-channel values.
     */
    public static Object manifestValue(List<Float> perChannel) {
        return perChannel.stream().distinct().count() == 1 ? perChannel.get(0) : perChannel;
    }

    /** A manifest's normalisation value (a number, or a list of numbers), as floats. */
    public static float[] fromManifestValue(Object value) {
        if (value instanceof Number n) {
            return new float[] {n.floatValue()};
        }
        if (value instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(v -> v instanceof Number)) {
            float[] out = new float[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) list.get(i)).floatValue();
            }
            return out;
        }
        throw new IllegalArgumentException("a normalisation must be a number or a list of numbers, got " + value);
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** Number of values in one input image. */
    public int inputLength() {
        return height * width * channels;
    }

 /** The architecture as the command line spells it: {@code cm-mnist}, ..., or {@code torchscript:PATH}. */
    public String architectureSpec() {
        return architecture == Architecture.TORCHSCRIPT ? Architecture.TORCHSCRIPT_PREFIX + backbone : architecture.cliName();
    }

    public String describe() {
        return architectureSpec() + " " + width + "x" + height + "x" + channels + " -> " + embeddingSize;
    }

    /** Builder with the defaults documented on {@link NetworkConfig}. */
    public static final class Builder {
        private Architecture architecture = Architecture.CM_MNIST;
        private int height = 28;
        private int width = 28;
        private int channels = 1;
        private int embeddingSize = 128;
        private float[] inputMean = {0.1307f};
        private float[] inputStd = {0.3081f};
        private String backbone;

        public Builder architecture(Architecture value) {
            this.architecture = value;
            return this;
        }

        /**
         * The architecture from its command-line spec: a built-in name ({@link Architecture#parse}) or
         * {@code torchscript:PATH}, which also sets the backbone file.
         */
        public Builder architecture(String spec) {
            if (spec.regionMatches(true, 0, Architecture.TORCHSCRIPT_PREFIX, 0, Architecture.TORCHSCRIPT_PREFIX.length())) {
                this.architecture = Architecture.TORCHSCRIPT;
                this.backbone = spec.substring(Architecture.TORCHSCRIPT_PREFIX.length()).trim();
                if (backbone.isEmpty()) {
                    throw new IllegalArgumentException("architecture '" + spec + "' names no backbone file (torchscript:PATH)");
                }
            } else {
                this.architecture = Architecture.parse(spec);
                this.backbone = null;
            }
            return this;
        }

        public Builder backbone(String value) {
            this.backbone = value;
            return this;
        }

        public Builder inputSize(int height, int width, int channels) {
            this.height = height;
            this.width = width;
            this.channels = channels;
            return this;
        }

        public Builder embeddingSize(int value) {
            this.embeddingSize = value;
            return this;
        }

        /** The same mean and std for every channel. */
        public Builder inputNormalization(float mean, float std) {
            return inputNormalization(new float[] {mean}, new float[] {std});
        }

        /** Per-channel means and stds (one value each = the same for every channel). */
        public Builder inputNormalization(float[] mean, float[] std) {
            this.inputMean = mean.clone();
            this.inputStd = std.clone();
            return this;
        }

        public NetworkConfig build() {
            return new NetworkConfig(architecture, height, width, channels, embeddingSize, perChannel(inputMean, "mean"),
                    perChannel(inputStd, "std"), backbone);
        }

        private List<Float> perChannel(float[] values, String what) {
            if (values.length != 1 && values.length != channels) {
                throw new IllegalArgumentException("input normalisation " + what + " has " + values.length
                        + " values for " + channels + " channels (give one, or one per channel)");
            }
            List<Float> out = new java.util.ArrayList<>(channels);
            for (int c = 0; c < channels; c++) {
                out.add(values[values.length == 1 ? 0 : c]);
            }
            return out;
        }
    }
}
