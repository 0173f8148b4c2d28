package io.embedstream.model.net;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/** Builds the (uninitialised) DJL block of each {@link Architecture}. Input NCHW, output (N, embedding). */
public final class EmbeddingNetworks {
    private EmbeddingNetworks() {}

    public static Block build(NetworkConfig config) {
        return switch (config.architecture()) {
            case CM_MNIST -> cmMnist(config, 5);
            case CM_MNIST_3X3 -> cmMnist(config, 3);
            case RESNET -> resnet(config);
            case TORCHSCRIPT -> throw new IllegalArgumentException(
                    "a TorchScript network is loaded from its file (TorchScriptNetwork), not built");
        };
    }

    private static Block cmMnist(NetworkConfig config, int kernel) {
        SequentialBlock net = new SequentialBlock();
        for (int filters : new int[] {32, 64, 128}) {
            net.add(conv(filters, kernel, 1, true)).add(new PReLU())
                    .add(conv(filters, kernel, 1, true)).add(new PReLU())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        return net.add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(config.embeddingSize()).build());
    }

    private static Block resnet(NetworkConfig config) {
        SequentialBlock net = new SequentialBlock()
                .add(conv(32, 3, 1, false)).add(BatchNorm.builder().build()).add(Activation.reluBlock());
        int in = 32;
        for (int filters : new int[] {32, 64, 128, 256}) {
            int stride = filters == 32 ? 1 : 2;
            net.add(residual(filters, stride, in != filters || stride != 1));
            in = filters;
        }
        return net.add(Pool.globalAvgPool2dBlock())
                .add(Linear.builder().setUnits(config.embeddingSize()).build());
    }

    /** A basic residual block: two 3x3 convolutions with batch norm, an identity or 1x1 projection shortcut. */
    private static Block residual(int filters, int stride, boolean project) {
        SequentialBlock main = new SequentialBlock()
                .add(conv(filters, 3, stride, false)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(conv(filters, 3, 1, false)).add(BatchNorm.builder().build());
        Block shortcut = project
                ? new SequentialBlock().add(conv(filters, 1, stride, false)).add(BatchNorm.builder().build())
                : Blocks.identityBlock();
        return new SequentialBlock()
                .add(new ParallelBlock(
                        branches -> new NDList(branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow())),
                        List.of(main, shortcut)))
                .add(Activation.reluBlock());
    }

    private static Conv2d conv(int filters, int kernel, int stride, boolean bias) {
        Conv2d.Builder builder = Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2));
        if (!bias) {
            builder.optBias(false);
        }
        return builder.build();
    }
}
