package io.embedstream.model.net;

import ai.djl.ndarray.NDArray;
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
 * <p>DJL's own Prelu block calls an operator the PyTorch engine does not implement. Composing it from
 * maximum/minimum works but their backward passes are slow (about 3x this block's cost on the 28x28 layers), so the
 * value and the input gradient come from the native leaky ReLU at the current slope, and the slope's gradient,
 * sum(g * min(x, 0)), from a term that is zero in value: (a - sg(a)) * sg(min(x, 0)).
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
        NDArray y = Activation.leakyRelu(x, HostTransfers.read(a)[0]);
        if (!training) {
            return new NDList(y);
        }
        NDArray negativePart = x.stopGradient().minimum(0f);
        return new NDList(y.add(negativePart.mul(a.sub(a.stopGradient()))));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
