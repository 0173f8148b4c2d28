package io.embedstream.model.train;

import io.embedstream.model.random.Rng;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.loss.AntiCollapseLoss;
import io.embedstream.model.loss.CombinedObjective;
import io.embedstream.model.loss.LossInput;
import io.embedstream.model.net.ArrayCodec;
import io.embedstream.model.net.BackboneSource;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.GradMode;
import io.embedstream.model.net.HostTransfers;
import io.embedstream.model.net.NamedArray;
import io.embedstream.model.net.ParameterInit;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Trains an {@link EmbeddingModel} with the combined objective: one {@link #step} is forward, loss, backward and
 * optimiser update. Holds the whole training state (parameters, class weights, optimiser moments, step counter,
 * RNG), which {@link #saveState} and {@link #restoreState} turn into bytes and back bit for bit.
 *
 * <p>Open-ended classes (issue 16): the CM class weights start with {@link TrainerConfig#classes()} rows, all in the
 * softmax. A batch with a label at or beyond the rows in use makes its class part of the softmax: the matrix and its
 * optimiser moments grow in chunks (the capacity doubles, up to {@link TrainerConfig#maxClasses()}, new rows zero),
 * so that a stream of new classes reallocates them a logarithmic number of times; the new classes' rows start as
 * {@link TrainerConfig#classInit()} says, in the step itself, before its loss. Rows allocated but not yet in use
 * take no part in the loss (the logits are sized to the classes in use) and stay exactly zero (no gradient, and
 * decay and momentum of zero are zero). Capacity and classes in use are part of the saved state.
 *
 * <p>Not thread-safe: one thread drives a trainer. DJL allows one gradient collector per JVM at a time, so steps
 * of different trainers in one JVM are serialised by a global lock; run one trainer per JVM (TaskManager).
 */
public final class EmbeddingTrainer implements AutoCloseable {
    private static final ReentrantLock COLLECTOR_LOCK = new ReentrantLock();
    private static final int STATE_MAGIC = 0x454D4253; // "EMBS"
    /** 2 adds the class-weight capacity and the classes in use; 1 (a fixed class count) is still read. */
    private static final int STATE_FORMAT = 2;
    private static final String CLASS_WEIGHTS = "cm.class_weights";
    private static final long NEW_ROW_SALT = 0x6E6577526F77L; // "newRow"

    private final TrainerConfig config;
    private final EmbeddingModel model;
    private final CombinedObjective objective;
    /** The network's parameters that train (without a frozen backbone), in order. */
    private final List<NamedArray> networkTrainable;
    private final List<NamedArray> backbone;
    private final Optimizer optimizer;
    /** A TorchScript backbone's own optimiser (its learning rate is scaled); null when there is none or it is frozen. */
    private final Optimizer backboneOptimizer;
    private final List<NDArray> backboneArrays;
    /** Where the class weights are among {@link #optimizer}'s parameters: the last. */
    private final int classWeightsSlot;
    // Rebound whenever the class weights are reallocated (bindParameters).
    private NDArray classWeights;
    private List<NamedArray> trainable;
    private List<NDArray> trainableArrays;
    private List<NamedArray> savedTensors;
    private List<NDArray> otherArrays;
    private List<NamedArray> optimizerState;
    /** Rows of the class weights allocated. */
    private int capacity;
    /** Rows in the softmax: the classes 0..activeClasses-1. */
    private int activeClasses;
    /**
     * Seeds the random rows of new classes with the class index. Saved with the state, so that a restore draws the
     * rows the interrupted run would have drawn whatever seed the new trainer was configured with.
     */
    private long newRowSeed;
    /** The previous version's class weights for the BCT term (constant); null until {@link #compatibleWith} is called. */
    private NDArray referenceWeights;
    private final RandomShift shift;
    private Rng rng;
    private long step;
    private long skippedSteps;

    private EmbeddingTrainer(TrainerConfig config, EmbeddingModel model) {
        this.config = config;
        this.model = model;
        this.objective = new CombinedObjective(config.objective());
        int d = config.network().embeddingSize();
        Rng init = new Rng(config.seed() ^ 0x2545F4914F6CDD1DL);
        this.capacity = config.classes();
        this.activeClasses = config.classes();
        this.classWeights = model.manager().create(
                ParameterInit.xavierUniform(config.classes(), d, init), new Shape(config.classes(), d));
        classWeights.setRequiresGradient(true);
        List<NamedArray> backbone = model.backboneParameters();
        List<NamedArray> params = new ArrayList<>(model.trainableParameters());
        if (config.freezeBackbone()) {
            // No gradient is computed for a frozen backbone at all: nothing before it needs one.
            params.removeAll(backbone);
            backbone.forEach(p -> p.array().setRequiresGradient(false));
            backbone = List.of();
        }
        this.networkTrainable = List.copyOf(params);
        this.backbone = List.copyOf(backbone);
        params.add(new NamedArray(CLASS_WEIGHTS, classWeights));
        if (backbone.isEmpty()) {
            this.optimizer = config.optimizer().create(params);
            this.backboneOptimizer = null;
            this.backboneArrays = List.of();
            this.classWeightsSlot = params.size() - 1;
        } else {
            List<NamedArray> others = new ArrayList<>(params);
            others.removeAll(backbone);
            this.backboneOptimizer = config.optimizer().create(backbone);
            this.optimizer = config.optimizer().create(others);
            this.backboneArrays = backbone.stream().map(NamedArray::array).toList();
            this.classWeightsSlot = others.size() - 1;
        }
        bindParameters();
        this.rng = new Rng(config.seed());
        this.newRowSeed = Rng.mix(config.seed() ^ NEW_ROW_SALT);
        this.shift = new RandomShift(config.shiftAugmentation());
    }

    /** The lists that name the class weights and their moments, after (re)allocating them. */
    private void bindParameters() {
        NamedArray weights = new NamedArray(CLASS_WEIGHTS, classWeights);
        List<NamedArray> params = new ArrayList<>(networkTrainable);
        params.add(weights);
        this.trainable = List.copyOf(params);
        this.trainableArrays = trainable.stream().map(NamedArray::array).toList();
        List<NamedArray> tensors = new ArrayList<>(model.allParameters());
        tensors.add(weights);
        this.savedTensors = List.copyOf(tensors);
        if (backboneOptimizer == null) {
            this.otherArrays = trainableArrays;
            this.optimizerState = List.copyOf(optimizer.state());
        } else {
            List<NamedArray> others = new ArrayList<>(trainable);
            others.removeAll(backbone);
            this.otherArrays = others.stream().map(NamedArray::array).toList();
            List<NamedArray> state = new ArrayList<>(backboneOptimizer.state());
            state.addAll(optimizer.state());
            this.optimizerState = List.copyOf(state);
        }
    }

    /**
     * Reallocates the class weights and their optimiser state to {@code rows} rows: the rows they had are kept (as
     * many as fit), the others are zero. Outside any step's scope: the new arrays outlive it.
     */
    private void resizeClassWeights(int rows) {
        NDArray old = classWeights;
        classWeights = Rows.resize(old, rows);
        classWeights.setRequiresGradient(true);
        old.close();
        optimizer.resizeRows(classWeightsSlot, rows);
        capacity = rows;
        bindParameters();
    }

    /** A trainer with a freshly initialised model on the configured device. */
    public static EmbeddingTrainer create(TrainerConfig config) {
        return create(config, BackboneSource.localFiles());
    }

    /** A trainer whose TorchScript backbone, if any, is read from {@code backbones}. */
    public static EmbeddingTrainer create(TrainerConfig config, BackboneSource backbones) {
        EmbeddingModel model = EmbeddingModel.create(config.network(), Devices.parse(config.device()), config.seed(),
                config.init(), backbones);
        try {
            return new EmbeddingTrainer(config, model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public TrainerConfig config() {
        return config;
    }

    public EmbeddingModel model() {
        return model;
    }

    /** Updates applied so far. */
    public long step() {
        return step;
    }

    /** Steps the guard refused (non-finite loss or gradient). */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** The trainer's generator: part of the checkpointed state, for samplers that must resume exactly. */
    public Rng rng() {
        return rng;
    }

    /** Names of the loss components, in the order of {@link StepResult#components()}. */
    public List<String> componentNames() {
        return objective.componentNames();
    }

    /** The CM class weights of the classes in use ({@link #classes()} x d, row-major), a host copy. */
    public float[] classWeights() {
        if (activeClasses == capacity) {
            return HostTransfers.read(classWeights);
        }
        try (NDArray rows = classWeights.get(new NDIndex("0:" + activeClasses))) {
            return HostTransfers.read(rows);
        }
    }

    /** Classes in the softmax: the initial count, or one more than the largest label trained on since. */
    public int classes() {
        return activeClasses;
    }

    /** Rows of the class weights allocated (grown in chunks ahead of the classes in use). */
    public int classCapacity() {
        return capacity;
    }

    /**
     * One training step on a batch. Nothing in it waits for the device but one read: the pixels go up as bytes and
     * the labels as one tensor before the forward pass is queued; masks, gradient norm and clipping factor are
     * computed on the device; the step's figures (loss, each term, gradient norm, each parameter's squared gradient
     * norm) and the embeddings come back in one copy, which the skip guard needs before the update. (The
     * anti-collapse terms each read their Gram matrix too, for the host's logdet: see {@link AntiCollapseLoss}.)
     *
     * <p>A label at or beyond {@link #classes()} adds its class (and any index below it not yet in use) to the
     * softmax: the rows grow first if the capacity is short, and the new rows' initial values (imprinted from this
     * batch's embeddings, on the device, or drawn on the host) enter the loss as constants added to the zero rows,
     * so that the gradient reaches the parameter; they are written into it before the update, only when the step
     * is applied. The labels the host already has decide all this: no read from the device.
     */
    public StepResult step(TrainingBatch batch) {
        long start = System.nanoTime();
        int[] labels = batch.labels();
        validate(batch, labels);
        int classes = activeClasses;
        for (int label : labels) {
            classes = Math.max(classes, label + 1);
        }
        // The collector restores the thread's previous grad mode when it closes; the update below needs it off, and
        // so does the reallocation (the new class weights must be a leaf).
        GradMode.disable();
        if (classes > capacity) {
            resizeClassWeights((int) Math.min(config.maxClasses(), Math.max(classes, 2L * capacity)));
        }
        COLLECTOR_LOCK.lock();
        try (NDScope scope = new NDScope(); NDManager stepManager = model.manager().newSubManager()) {
            NDArray input = model.toInput(stepManager, shift.apply(batch.images(), rng));
            NDArray labelArray = LossInput.upload(stepManager, labels);
            NDArray embeddings;
            NDArray newRows = null;
            CombinedObjective.Evaluation evaluation;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                embeddings = model.forward(input, true);
                NDArray weights;
                if (classes > activeClasses) {
                    newRows = newClassRows(stepManager, embeddings.stopGradient(), labelArray, labels, classes);
                    weights = classWeights.get(new NDIndex("0:" + activeClasses)).concat(
                            classWeights.get(new NDIndex(activeClasses + ":" + classes)).add(newRows), 0);
                } else {
                    weights = classes == capacity ? classWeights : classWeights.get(new NDIndex("0:" + classes));
                }
                evaluation = objective.evaluate(new LossInput(embeddings, labelArray, labels, classes, weights,
                        referenceFor(weights, classes)));
                collector.backward(evaluation.total());
            }
            int terms = evaluation.components().size();
            int parameters = trainableArrays.size();
            List<NDArray> gradients = new ArrayList<>(parameters);
            NDList figures = new NDList(terms + parameters + 3);
            figures.add(evaluation.total().reshape(1));
            evaluation.components().forEach(term -> figures.add(term.reshape(1)));
            NDArray squaredNorm = null;
            NDList squaredNorms = new NDList(parameters);
            for (NDArray parameter : trainableArrays) {
                NDArray gradient = parameter.getGradient();
                gradients.add(gradient);
                NDArray sq = gradient.square().sum();
                squaredNorms.add(sq.reshape(1));
                squaredNorm = squaredNorm == null ? sq : squaredNorm.add(sq);
            }
            NDArray norm = squaredNorm.sqrt();
            figures.add(norm.reshape(1));
            figures.addAll(squaredNorms);
            figures.add(embeddings.stopGradient().reshape(-1));
            // Clipping's factor min(clip / norm, 1), on the device: the same float arithmetic as clip / norm on
            // the host when norm > clip, and a product with exactly 1 otherwise.
            float clip = config.gradientClipNorm();
            NDArray clipScale = clip > 0 ? stepManager.full(new Shape(), clip, DataType.FLOAT32).div(norm)
                    .minimum(stepManager.ones(new Shape(), DataType.FLOAT32)) : null;
            float[] values = HostTransfers.read(NDArrays.concat(figures));
            float loss = values[0];
            Map<String, Float> components = new LinkedHashMap<>();
            for (int i = 0; i < terms; i++) {
                components.put(objective.componentNames().get(i), values[1 + i]);
            }
            float gradientNorm = values[1 + terms];
            float[] squaredNormValues = Arrays.copyOfRange(values, 2 + terms, 2 + terms + parameters);
            float[] embeddingValues = Arrays.copyOfRange(values, 2 + terms + parameters, values.length);
            float lr = config.schedule().at(step);
            String skipReason = null;
            if (!Float.isFinite(loss)) {
                skipReason = "non-finite loss " + loss + nonFiniteTerms(components);
            } else if (!Float.isFinite(gradientNorm)) {
                skipReason = "non-finite gradient norm " + gradientNorm + nonFiniteSquaredNorms(squaredNormValues);
            }
            if (skipReason == null) {
                if (newRows != null) {
                    classWeights.set(new NDIndex(activeClasses + ":" + classes), newRows);
                    activeClasses = classes;
                }
                if (clipScale != null) {
                    gradients.replaceAll(gradient -> gradient.mul(clipScale));
                }
                if (backboneOptimizer == null) {
                    optimizer.update(trainableArrays, gradients, lr, 1f, step + 1);
                } else {
                    int b = backboneArrays.size();
                    backboneOptimizer.update(backboneArrays, gradients.subList(0, b),
                            lr * config.backboneLearningRateScale(), 1f, step + 1);
                    optimizer.update(otherArrays, gradients.subList(b, gradients.size()), lr, 1f, step + 1);
                }
                step++;
            } else {
                skippedSteps++;
            }
            zeroGradients();
            return new StepResult(step, skipReason == null, skipReason, loss, components, gradientNorm, lr,
                    embeddingValues, labels, batch.qualities(), System.nanoTime() - start);
        } finally {
            COLLECTOR_LOCK.unlock();
        }
    }

    /**
     * The initial rows of the classes {@link #activeClasses}..{@code classes}-1 (k x d), constants on the device. A
     * class with images in the batch gets, under {@link ClassInit#IMPRINT}, the normalised mean of their normalised
     * embeddings times the mean norm of the rows in use; every other row (all of them under
     * {@link ClassInit#XAVIER}) is drawn with the initial matrix's Xavier bound from a generator of the seed and
     * the class index.
     */
    private NDArray newClassRows(NDManager manager, NDArray embeddings, NDArray labelArray, int[] labels,
                                 int classes) {
        int from = activeClasses;
        int k = classes - from;
        int d = config.network().embeddingSize();
        boolean[] present = new boolean[k];
        for (int label : labels) {
            if (label >= from) {
                present[label - from] = true;
            }
        }
        boolean imprint = config.classInit() == ClassInit.IMPRINT;
        float[] drawn = new float[k * d];
        for (int j = 0; j < k; j++) {
            if (!imprint || !present[j]) {
                Rng generator = new Rng(newRowSeed ^ Rng.mix(from + j));
                System.arraycopy(ParameterInit.xavierUniformRows(config.classes(), d, 1, generator), 0, drawn,
                        j * d, d);
            }
        }
        NDArray rows = manager.create(drawn, new Shape(k, d));
        if (!imprint) {
            return rows;
        }
        int b = labels.length;
        NDArray unit = embeddings.div(rowNorms(embeddings));
        NDArray selection = labelArray.reshape(b, 1)
                .eq(manager.arange((long) from, (long) classes, 1L, DataType.INT64).reshape(1, k))
                .toType(DataType.FLOAT32, false);
        NDArray sums = selection.transpose().matMul(unit);
        // Rows of absent classes sum to zero and stay zero here; the drawn rows fill them.
        NDArray directions = sums.div(rowNorms(sums));
        NDArray inUse = classWeights.stopGradient().get(new NDIndex("0:" + from));
        NDArray scale = rowNorms(inUse).mean();
        return directions.mul(scale).add(rows);
    }

    /**
     * Row-wise L2 norms (n x 1) as sqrt(sum x^2 + 1e-12): a zero row stays a zero row when divided. The constant is
     * filled on the device, not uploaded (see the loss package's GraphConstant).
     */
    private static NDArray rowNorms(NDArray rows) {
        NDArray squares = rows.square().sum(new int[] {1}, true);
        return squares.add(squares.getManager().full(new Shape(), 1e-12f, DataType.FLOAT32)).sqrt();
    }

    /** Which terms made the loss non-finite: a skip that names no term cannot be traced to one. */
    private static String nonFiniteTerms(Map<String, Float> components) {
        List<String> terms = new ArrayList<>();
        components.forEach((name, value) -> {
            if (!Float.isFinite(value)) {
                terms.add(name + " " + value);
            }
        });
        return terms.isEmpty() ? "" : " (" + String.join(", ", terms) + ")";
    }

    /**
     * In which parameters the squared gradient norm is not finite, the first three by name, and how many in all. A
     * gradient can be finite and still overflow here (beyond about 1e19 per element): that is a blow-up too.
     */
    private String nonFiniteSquaredNorms(float[] squaredNorms) {
        List<String> names = new ArrayList<>();
        int count = 0;
        for (int i = 0; i < squaredNorms.length; i++) {
            if (!Float.isFinite(squaredNorms[i])) {
                if (count++ < 3) {
                    names.add(trainable.get(i).name());
                }
            }
        }
        return count == 0 ? "" : " (squared norm not finite in " + count + " of " + squaredNorms.length
                + " parameters: " + String.join(", ", names) + (count > 3 ? ", ..." : "") + ")";
    }

    private void validate(TrainingBatch batch, int[] labels) {
        for (LabeledImage image : batch.images()) {
            if (image.label() < 0 || image.label() >= config.maxClasses()) {
                throw new IllegalArgumentException("image " + image.id() + " has label " + image.label()
                        + " outside [0, " + config.maxClasses() + ") (classes.max)");
            }
        }
        if (config.objective().needsTwoClasses()) {
            boolean mixed = false;
            for (int label : labels) {
                mixed |= label != labels[0];
            }
            if (!mixed) {
                throw new IllegalArgumentException("LDMAT needs at least two classes in a batch, got "
                        + labels.length + " images all of class " + labels[0]
                        + " (the batcher must mix classes, or set the LDMAT weight to 0)");
            }
        }
    }

    /**
     * Makes the BCT term of the objective (its weight is {@code ObjectiveConfig#bctWeight}) score the embeddings by
     * these class weights from now on: the previous published version's ({@link #classWeights()} of that version, row
     * after row). Without a BCT weight they are kept but not used. Not part of {@link #saveState}.
     *
     * @param rows {@code n x d} values, row-major, for the classes 0..n-1
     */
    public void compatibleWith(float[] rows) {
        int d = config.network().embeddingSize();
        if (rows.length == 0 || rows.length % d != 0) {
            throw new IllegalArgumentException("reference class weights need rows of " + d + " values, got "
                    + rows.length + " values");
        }
        NDArray next = model.manager().create(rows.clone(), new Shape(rows.length / d, d));
        if (referenceWeights != null) {
            referenceWeights.close();
        }
        referenceWeights = next;
    }

    /**
     * The reference weights for the step's {@code classes}: rows of classes the previous version did not know are the
     * current ones, held constant (the term then only asks those classes to stay where they are now).
     */
    // Arrays made here are the step's: its NDScope closes them.
    private NDArray referenceFor(NDArray weights, int classes) {
        if (referenceWeights == null || config.objective().bctWeight() == 0) {
            return null;
        }
        long known = referenceWeights.getShape().get(0);
        if (known >= classes) {
            return known == classes ? referenceWeights : referenceWeights.get(new NDIndex("0:" + classes));
        }
        return referenceWeights.concat(weights.stopGradient().get(new NDIndex(known + ":" + classes)), 0);
    }

    /** Gradients accumulate in PyTorch; clear them, NaNs included (0 * NaN would stay NaN). */
    private void zeroGradients() {
        for (NDArray parameter : trainableArrays) {
            JniUtils.zeroGrad((PtNDArray) parameter);
        }
    }

    /** The whole training state as bytes: restore it with {@link #restoreState} to continue bit for bit. */
    public byte[] saveState() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(STATE_MAGIC);
            out.writeInt(STATE_FORMAT);
            out.writeUTF(fingerprint());
            out.writeLong(step);
            out.writeLong(skippedSteps);
            out.writeLong(rng.state());
            out.writeInt(capacity);
            out.writeInt(activeClasses);
            out.writeLong(newRowSeed);
            ArrayCodec.write(out, savedTensors);
            ArrayCodec.write(out, optimizerState);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Replaces the whole training state with one saved by {@link #saveState} from a trainer of the same
     * configuration.
     */
    public void restoreState(byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            if (in.readInt() != STATE_MAGIC) {
                throw new IllegalArgumentException("not an embedstream training state (bad magic)");
            }
            int format = in.readInt();
            if (format != STATE_FORMAT && format != 1) {
                throw new IllegalArgumentException("training state format " + format + " is not supported (expected "
                        + STATE_FORMAT + " or 1)");
            }
            String saved = in.readUTF();
            if (!saved.equals(fingerprint())) {
                throw new IllegalArgumentException("training state was saved for [" + saved
                        + "] but this trainer is [" + fingerprint() + "]");
            }
            long restoredStep = in.readLong();
            long restoredSkipped = in.readLong();
            long rngState = in.readLong();
            int savedCapacity = format == 1 ? config.classes() : in.readInt();
            int savedClasses = format == 1 ? config.classes() : in.readInt();
            long savedRowSeed = format == 1 ? Rng.mix(config.seed() ^ NEW_ROW_SALT) : in.readLong();
            if (savedClasses < 2 || savedClasses > savedCapacity) {
                throw new IllegalArgumentException("corrupt training state: " + savedClasses + " classes in use of "
                        + savedCapacity + " rows");
            }
            if (savedClasses > config.maxClasses()) {
                throw new IllegalArgumentException("the training state holds " + savedClasses
                        + " classes, more than classes.max (" + config.maxClasses() + ")");
            }
            GradMode.disable();
            if (savedCapacity != capacity) {
                resizeClassWeights(savedCapacity);
            }
            activeClasses = savedClasses;
            newRowSeed = savedRowSeed;
            ArrayCodec.readInto(in, savedTensors);
            ArrayCodec.readInto(in, optimizerState);
            step = restoredStep;
            skippedSteps = restoredSkipped;
            rng = new Rng(rngState);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt training state: " + e.getMessage(), e);
        }
    }

    private String fingerprint() {
        return config.network().describe() + ", " + config.classes() + " classes, " + optimizer.name()
                + (config.freezeBackbone() ? ", frozen backbone" : "");
    }

    @Override
    public void close() {
        model.close();
    }
}
