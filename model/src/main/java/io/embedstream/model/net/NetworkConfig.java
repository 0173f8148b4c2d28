package io.embedstream.model.net;

/**
 * What the embedding network looks like: architecture, input geometry and embedding size, plus the
 * per-channel input normalisation applied to pixels scaled to [0, 1].
 *
 * <p>Defaults: {@link Architecture#CM_MNIST}, 28x28x1, embedding 128, normalisation mean 0.1307 / std
 * 0.3081 (MNIST statistics, as in the CM paper).
 */
public record NetworkConfig(
        Architecture architecture, int height, int width, int channels, int embeddingSize,
        float inputMean, float inputStd) implements java.io.Serializable {

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
        if (!(inputStd > 0) || !Float.isFinite(inputMean)) {
            throw new IllegalArgumentException("input normalisation needs a finite mean and std > 0, got mean "
                    + inputMean + " std " + inputStd);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().architecture(architecture).inputSize(height, width, channels)
                .embeddingSize(embeddingSize).inputNormalization(inputMean, inputStd);
    }

    /** Number of values in one input image. */
    public int inputLength() {
        return height * width * channels;
    }

    public String describe() {
        return architecture.cliName() + " " + width + "x" + height + "x" + channels + " -> " + embeddingSize;
    }

    /** Builder with the defaults documented on {@link NetworkConfig}. */
    public static final class Builder {
        private Architecture architecture = Architecture.CM_MNIST;
        private int height = 28;
        private int width = 28;
        private int channels = 1;
        private int embeddingSize = 128;
        private float inputMean = 0.1307f;
        private float inputStd = 0.3081f;

        public Builder architecture(Architecture value) {
            this.architecture = value;
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

        public Builder inputNormalization(float mean, float std) {
            this.inputMean = mean;
            this.inputStd = std;
            return this;
        }

        public NetworkConfig build() {
            return new NetworkConfig(architecture, height, width, channels, embeddingSize, inputMean, inputStd);
        }
    }
}
