package io.embedstream.model.net;

/** The embedding network families this project ships. */
public enum Architecture {
    /**
     * The CM paper's MNIST network: six 5x5 convolutions (32-32-64-64-128-128) with PReLU, a 2x2 max-pool
     * after each pair, and a linear layer to the embedding. Suited to small grayscale inputs (28x28).
     */
    CM_MNIST,
    /**
     * The same network with 3x3 kernels: 2.8 times fewer multiply-adds per image, for CPUs where the 5x5
     * convolutions make up most of a training step.
     */
    CM_MNIST_3X3,
    /**
     * A small residual network (basic blocks with batch norm, four stages 32-64-128-256, global average
     * pooling) for larger RGB inputs such as 64x64 or 96x96.
     */
    RESNET,
    /**
     * The user's own TorchScript backbone (B x C x H x W float -> B x F), from the file {@link NetworkConfig#backbone()},
     * with a linear head to the embedding size when F differs from it ({@link TorchScriptNetwork}).
     * On the command line: {@code torchscript:PATH}.
     */
    TORCHSCRIPT;

    /** The prefix of a TorchScript architecture spec, {@code torchscript:PATH}. */
    public static final String TORCHSCRIPT_PREFIX = "torchscript:";

    /** Parses a command-line name such as {@code cm-mnist} or {@code resnet}, case-insensitively. */
    public static Architecture parse(String name) {
        String normalized = name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (Architecture a : values()) {
            if (a.name().equals(normalized)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + name + "'; expected one of "
                + java.util.Arrays.stream(values()).map(Architecture::cliName).toList());
    }

    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
