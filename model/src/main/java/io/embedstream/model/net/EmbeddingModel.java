package io.embedstream.model.net;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.Pair;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.random.Rng;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An embedding network with its parameters, on one device. Owns the NDManager that holds the parameters;
 * everything a forward pass creates belongs to the caller's scope.
 */
public final class EmbeddingModel implements AutoCloseable {
    private final NetworkConfig config;
    private final NDManager manager;
    private final Block block;
    private final ParameterStore store;
    private final List<NamedArray> trainable;
    private final List<NamedArray> all;
    /** Per-channel {@code 1/(255 std)} and {@code mean/std}, shape 1xCx1x1, uploaded once rather than every batch. */
    private final NDArray inputScale;
    private final NDArray inputShift;

    private EmbeddingModel(NetworkConfig config, NDManager manager, Block block) {
        this.config = config;
        this.manager = manager;
        this.block = block;
        this.store = new ParameterStore(manager, false);
        List<NamedArray> trainableList = new ArrayList<>();
        List<NamedArray> allList = new ArrayList<>();
        for (Pair<String, Parameter> entry : block.getParameters()) {
            NamedArray named = new NamedArray(entry.getKey(), entry.getValue().getArray());
            allList.add(named);
            if (entry.getValue().requiresGradient()) {
                trainableList.add(named);
            }
        }
        this.trainable = Collections.unmodifiableList(trainableList);
        this.all = Collections.unmodifiableList(allList);
        int c = config.channels();
        // Per channel, the same arithmetic as with one mean and std: equal values give the same floats as before.
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int ch = 0; ch < c; ch++) {
            scale[ch] = 1f / (255f * config.inputStd().get(ch));
            shift[ch] = config.inputMean().get(ch) / config.inputStd().get(ch);
        }
        Shape perChannel = new Shape(1, c, 1, 1);
        this.inputScale = manager.create(scale, perChannel);
        this.inputShift = manager.create(shift, perChannel);
    }

    /** A freshly initialised model under {@link ParameterInit.Scheme#HE}; a TorchScript backbone is a local file. */
    public static EmbeddingModel create(NetworkConfig config, Device device, long seed) {
        return create(config, device, seed, ParameterInit.Scheme.HE, BackboneSource.localFiles());
    }

    /**
     * A freshly initialised model; the same seed and scheme give the same parameters. A TorchScript backbone is read
     * from {@code backbones} and keeps its own weights; only its head is initialised from the seed.
     *
     * @throws IllegalArgumentException naming the problem when the backbone cannot be read or used
     */
    public static EmbeddingModel create(NetworkConfig config, Device device, long seed, ParameterInit.Scheme scheme,
                                        BackboneSource backbones) {
        if (config.architecture() == Architecture.TORCHSCRIPT) {
            byte[] module;
            try {
                module = backbones.read(config.backbone());
            } catch (java.io.IOException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read backbone file " + config.backbone() + ": " + e, e);
            }
            return fromTorchScript(config, device, seed, module);
        }
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Block block = EmbeddingNetworks.build(config);
            // Placeholder initialisers only fix shapes; ParameterInit then writes the real values.
            for (Parameter.Type type : Parameter.Type.values()) {
                block.setInitializer(new ConstantInitializer(0f), type);
            }
            block.initialize(manager, DataType.FLOAT32,
                    new Shape(1, config.channels(), config.height(), config.width()));
            ParameterInit init = new ParameterInit(scheme, new Rng(seed));
            for (Pair<String, Parameter> entry : block.getParameters()) {
                init.initialize(entry.getValue());
                entry.getValue().getArray().setRequiresGradient(entry.getValue().requiresGradient());
            }
            return new EmbeddingModel(config, manager, block);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A model holding published parameters ({@link #parametersToBytes}): for a TorchScript network the archive is the
     * whole network and needs no backbone file; for the built-in architectures the network is built and loaded.
     */
    public static EmbeddingModel fromParameters(NetworkConfig config, Device device, byte[] parameters) {
        if (config.architecture() == Architecture.TORCHSCRIPT) {
            return fromTorchScript(config, device, 0, parameters);
        }
        EmbeddingModel model = create(config, device, 0);
        try {
            model.loadParameters(parameters);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** A model from a TorchScript backbone's bytes ({@link TorchScriptNetwork#load}). */
    public static EmbeddingModel fromTorchScript(NetworkConfig config, Device device, long seed, byte[] module) {
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            return new EmbeddingModel(config, manager, TorchScriptNetwork.load(config, module, manager, new Rng(seed)));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public NetworkConfig config() {
        return config;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** The manager that owns the parameters (for state that must live as long as the model). */
    public NDManager manager() {
        return manager;
    }

    /** Parameters the optimiser updates, in a stable order. */
    public List<NamedArray> trainableParameters() {
        return trainable;
    }

    /** Every tensor of the network, trainable or not (batch-norm running statistics), in a stable order. */
    public List<NamedArray> allParameters() {
        return all;
    }

    /** The parameters of a TorchScript backbone (empty for the built-in architectures), a subset of the trainable ones. */
    public List<NamedArray> backboneParameters() {
        return trainable.stream().filter(p -> block instanceof TorchScriptNetwork
                && p.name().startsWith(TorchScriptNetwork.BACKBONE_PREFIX)).toList();
    }

    /** The TorchScript network, when the architecture is {@link Architecture#TORCHSCRIPT}. */
    public java.util.Optional<TorchScriptNetwork> torchScript() {
        return block instanceof TorchScriptNetwork network ? java.util.Optional.of(network) : java.util.Optional.empty();
    }

    public long parameterCount() {
        return trainable.stream().mapToLong(p -> p.array().getShape().size()).sum();
    }

    /** Embeddings (N, embeddingSize) of a normalised NCHW input. */
    public NDArray forward(NDArray input, boolean training) {
        return block.forward(store, new NDList(input), training).singletonOrThrow();
    }

    /**
     * Converts images to a normalised NCHW float tensor on this model's device, in the given manager. The pixels
     * travel as bytes, a quarter of the floats they become, in one copy; the conversion to float and the
     * normalisation, (p / 255 - mean) / std as p * (1 / (255 std)) - mean / std, run on the device.
     *
     * @throws IllegalArgumentException when an image's geometry is not the network's input geometry
     */
    public NDArray toInput(NDManager target, List<LabeledImage> images) {
        int h = config.height();
        int w = config.width();
        int c = config.channels();
        int plane = h * w;
        int length = config.inputLength();
        ByteBuffer bytes = ByteBuffer.allocateDirect(images.size() * length);
        for (int n = 0; n < images.size(); n++) {
            LabeledImage image = images.get(n);
            if (image.width() != w || image.height() != h || image.channels() != c) {
                throw new IllegalArgumentException("image " + image.id() + " is " + image.width() + "x"
                        + image.height() + "x" + image.channels() + " but the network expects " + w + "x" + h
                        + "x" + c + " (resize or convert images before training)");
            }
            byte[] px = image.pixels();
            if (c == 1) {
                bytes.put(px, 0, length);
            } else {
                // Interleaved HWC to planar CHW: a byte shuffle, not arithmetic.
                int base = n * length;
                for (int i = 0; i < plane; i++) {
                    for (int ch = 0; ch < c; ch++) {
                        bytes.put(base + ch * plane + i, px[i * c + ch]);
                    }
                }
                bytes.position(base + length);
            }
        }
        bytes.rewind();
        NDArray pixels = target.create(bytes, new Shape(images.size(), c, h, w), DataType.UINT8);
        return pixels.toType(DataType.FLOAT32, false).mul(inputScale).sub(inputShift);
    }

    /** Inference embeddings, computed in batches with batch-norm in evaluation mode. */
    public float[][] embed(List<LabeledImage> images, int batchSize) {
        float[][] out = new float[images.size()][];
        int d = config.embeddingSize();
        GradMode.disable();
        for (int start = 0; start < images.size(); start += batchSize) {
            List<LabeledImage> chunk = images.subList(start, Math.min(images.size(), start + batchSize));
            try (NDScope scope = new NDScope(); NDManager batch = manager.newSubManager()) {
                float[] flat = forward(toInput(batch, chunk), false).toFloatArray();
                for (int i = 0; i < chunk.size(); i++) {
                    out[start + i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
                }
            }
        }
        return out;
    }

    /**
     * The network's tensors as bytes (the published model): bit-exact, loadable with {@link #loadParameters}. For a
     * TorchScript backbone, the whole network as a TorchScript archive ({@link TorchScriptNetwork#toTorchScript}).
     */
    public byte[] parametersToBytes() {
        if (block instanceof TorchScriptNetwork network) {
            return network.toTorchScript();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            ArrayCodec.write(out, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public void loadParameters(byte[] bytes) {
        if (block instanceof TorchScriptNetwork network) {
            network.loadTorchScript(bytes, manager);
            return;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            ArrayCodec.readInto(in, all);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot load parameters into " + config.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
