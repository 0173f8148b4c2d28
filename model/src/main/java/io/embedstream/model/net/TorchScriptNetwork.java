package io.embedstream.model.net;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.embedstream.model.random.Rng;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user's TorchScript backbone (B x C x H x W float -> B x F) followed, when F is not the embedding size, by a linear
 * head to it. The backbone's parameters are named {@code backbone.<name in the module>}, the head's {@code head.weight}
 * (embedding x F) and {@code head.bias}.
 *
 * <p>The backbone always runs in the module's evaluation mode: batch-norm statistics stay as the user trained them
 * and dropout is off, so its buffers never change and its parameters are all the training state it has. Gradients
 * still flow through it when the network is run for training.
 */
public final class TorchScriptNetwork extends AbstractBlock {
    /** Prefix of the backbone's parameter names. */
    public static final String BACKBONE_PREFIX = "backbone.";
    public static final String HEAD_WEIGHT = "head.weight";
    public static final String HEAD_BIAS = "head.bias";

    private final PtSymbolBlock backbone;
    private final int backboneFeatures;
    private final Parameter headWeight;
    private final Parameter headBias;
    private final ParameterList parameters;

    private TorchScriptNetwork(PtSymbolBlock backbone, int backboneFeatures, Parameter headWeight, Parameter headBias) {
        this.backbone = backbone;
        this.backboneFeatures = backboneFeatures;
        this.headWeight = headWeight;
        this.headBias = headBias;
        Map<String, Parameter> all = new LinkedHashMap<>();
        for (var entry : backbone.getDirectParameters()) {
            all.put(BACKBONE_PREFIX + entry.getKey(), entry.getValue());
        }
        if (headWeight != null) {
            all.put(HEAD_WEIGHT, headWeight);
            all.put(HEAD_BIAS, headBias);
        }
        this.parameters = new ParameterList(all);
    }

    /**
     * Loads and checks a backbone for the configured input, adding a freshly initialised head (Xavier-uniform weight,
     * zero bias, from {@code rng}) when its output is not the embedding size. Everything lives in {@code manager}.
     *
     * @param module the bytes of the TorchScript file
     * @throws IllegalArgumentException with one sentence naming the problem: not TorchScript, does not accept the
     *                                  input size, or does not return a B x F matrix
     */
    public static TorchScriptNetwork load(NetworkConfig config, byte[] module, NDManager manager, Rng rng) {
        String name = "backbone " + config.backbone();
        PtSymbolBlock backbone;
        try {
            backbone = JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(module), true, false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(name + " is not a TorchScript module that libtorch can load ("
                    + firstLine(e) + "); export it with torch.jit.trace or torch.jit.script and save it with .save()", e);
        }
        try {
            JniUtils.enableInferenceMode(backbone);
            int features = probe(name, config, backbone, manager);
            Parameter weight = null;
            Parameter bias = null;
            if (features != config.embeddingSize()) {
                int d = config.embeddingSize();
                weight = Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                        .optArray(manager.create(ParameterInit.xavierUniform(d, features, rng), new Shape(d, features)))
                        .build();
                bias = Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                        .optArray(manager.zeros(new Shape(d))).build();
            }
            TorchScriptNetwork network = new TorchScriptNetwork(backbone, features, weight, bias);
            for (var entry : network.parameters) {
                entry.getValue().getArray().setRequiresGradient(true);
            }
            return network;
        } catch (RuntimeException e) {
            backbone.close();
            throw e;
        }
    }

    /** Runs the backbone once on zeros of the configured input and returns its feature count F. */
    private static int probe(String name, NetworkConfig config, PtSymbolBlock backbone, NDManager manager) {
        Shape input = new Shape(2, config.channels(), config.height(), config.width());
        try (NDManager scratch = manager.newSubManager()) {
            NDList outputs;
            try {
                outputs = IValueUtils.forward(backbone, new NDList(scratch.zeros(input)), false);
            } catch (EngineException | IllegalStateException | IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " does not accept the configured input " + input
                        + " (N x C x H x W): " + firstLine(e), e);
            }
            if (outputs.size() != 1) {
                throw new IllegalArgumentException(name + " returns " + outputs.size()
                        + " tensors for an input " + input + "; it must return one B x F matrix");
            }
            NDArray out = outputs.singletonOrThrow();
            Shape shape = out.getShape();
            if (shape.dimension() != 2 || shape.get(0) != input.get(0) || out.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException(name + " returns a " + out.getDataType() + " tensor of shape " + shape
                        + " for an input " + input + "; it must return a float32 B x F matrix (output rank 2)");
            }
            return Math.toIntExact(shape.get(1));
        }
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }

    /** F, the backbone's output size. */
    public int backboneFeatures() {
        return backboneFeatures;
    }

    public boolean hasHead() {
        return headWeight != null;
    }

    /** The backbone module, whose tensors are the network's backbone parameters (updated in place by training). */
    public PtSymbolBlock backbone() {
        return backbone;
    }

    @Override
    public ParameterList getParameters() {
        return new ParameterList(parameters.toMap());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        // training=false runs the module without autograd; the module itself stays in evaluation mode either way.
        NDArray features = IValueUtils.forward(backbone, inputs, training).singletonOrThrow();
        if (headWeight == null) {
            return new NDList(features);
        }
        return Linear.linear(features, headWeight.getArray(), headBias.getArray());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), headWeight == null ? backboneFeatures
                : headWeight.getArray().getShape().get(0))};
    }

    /**
     * The whole network as one TorchScript archive with the current (trained) weights: the backbone module itself when
     * there is no head, else the backbone wrapped with the head ({@link TorchScriptArchive}).
     */
    public byte[] toTorchScript() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        JniUtils.writeModule(backbone, bytes, false);
        if (headWeight == null) {
            return bytes.toByteArray();
        }
        return TorchScriptArchive.withLinearHead(bytes.toByteArray(), headWeight.getArray().toFloatArray(),
                headBias.getArray().toFloatArray(), backboneFeatures);
    }

    /**
     * Copies the weights of a whole-network archive written by {@link #toTorchScript} (of a network of the same
     * backbone and head) into this network's parameters.
     *
     * @throws IllegalArgumentException if the archive is not TorchScript or its parameters do not match
     */
    public void loadTorchScript(byte[] archive, NDManager manager) {
        // The loaded module and the handles to its tensors belong to a scratch manager, released when this returns.
        try (NDManager scratch = manager.newSubManager()) {
            PtSymbolBlock module;
            try {
                module = JniUtils.loadModule((PtNDManager) scratch, new ByteArrayInputStream(archive), true, false);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("the parameters are not a TorchScript module (" + firstLine(e) + ")", e);
            }
            Map<String, NDArray> theirs = new LinkedHashMap<>();
            for (var entry : module.getDirectParameters()) {
                theirs.put(entry.getKey(), entry.getValue().getArray());
            }
            Map<String, NDArray> ours = new LinkedHashMap<>();
            for (var entry : parameters) {
                ours.put(archiveName(entry.getKey()), entry.getValue().getArray());
            }
            if (!theirs.keySet().equals(ours.keySet())) {
                throw new IllegalArgumentException("the TorchScript parameters " + theirs.keySet()
                        + " are not this network's " + ours.keySet());
            }
            GradMode.disable();
            for (Map.Entry<String, NDArray> entry : ours.entrySet()) {
                NDArray source = theirs.get(entry.getKey());
                if (!source.getShape().equals(entry.getValue().getShape())) {
                    throw new IllegalArgumentException("TorchScript parameter " + entry.getKey() + " has shape "
                            + source.getShape() + ", this network's " + entry.getValue().getShape());
                }
                source.copyTo(entry.getValue());
            }
        }
    }

    /** A parameter's name in {@link #toTorchScript}'s archive. */
    private String archiveName(String name) {
        if (name.equals(HEAD_WEIGHT)) {
            return "head_weight";
        }
        if (name.equals(HEAD_BIAS)) {
            return "head_bias";
        }
        String inModule = name.substring(BACKBONE_PREFIX.length());
        return headWeight == null ? inModule : "backbone." + inModule;
    }

    /** Releases the native module. */
    public void close() {
        backbone.close();
    }
}
