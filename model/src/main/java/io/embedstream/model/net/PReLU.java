package io.embedstream.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PReLU with one learned slope for the whole layer (PyTorch's default): y = max(x, 0) + a min(x, 0).
 *
 * <p>DJL's own Prelu block calls an operator the PyTorch engine does not implement, and its native leaky ReLU takes
 * the slope as a host number, which would cost a read from the device at every layer of every forward pass (a GPU
 * would wait for each). So y = x s with the slope map s = where(x &gt; 0, 1, a), a on the device: the same value
 * as the leaky ReLU at slope a, bit for bit, and autograd gives the input gradient (g where x &gt; 0, a g
 * elsewhere) and the slope's, sum(g x) over x &lt;= 0, which is sum(g min(x, 0)).
 */
public final class PReLU extends AbstractBlock {
    private final Parameter alpha;

    public PReLU() {
        alpha = addParameter(Parameter.builder().setName("alpha").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape()).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray a = store.getValue(alpha, x.getDevice(), training);
        if (!training && !x.getDevice().isGpu()) {
            // Inference on the CPU: reading the slope is a copy within host memory, not a device wait, and the native
            // leaky ReLU is one pass over x where the form below takes three (embedding mnist10k's 10,000 digits took
            // 14% longer with it). Same values bit for bit (PReLUTest). Never in a training step (training is true).
            return new NDList(Activation.leakyRelu(x, HostTransfers.read(a)[0]));
        }
        // y = x s with s = 1 where x > 0 and a elsewhere: exactly the leaky ReLU's value, and autograd gives
        // g s for x and sum(g x) over x <= 0 for a. where(x > 0, x, a x) made the step slower on the CPU.
        Shape shape = x.getShape();
        NDArray positive = x.stopGradient().gt(x.getManager().zeros(new Shape(), x.getDataType()));
        NDArray slope = NDArrays.where(positive, x.getManager().ones(new Shape(), x.getDataType()).broadcast(shape),
                a.broadcast(shape));
        return new NDList(x.mul(slope));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
