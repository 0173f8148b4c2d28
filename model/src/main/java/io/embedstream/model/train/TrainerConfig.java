package io.embedstream.model.train;

import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.net.ParameterInit;

/**
 * Everything that defines a training run.
 *
 * <p>Defaults: the default {@link NetworkConfig} and {@link ObjectiveConfig}, 10 classes (growing up to 100,000),
 * SGD (momentum 0.9, weight decay 5e-4) at a constant learning rate 0.01, gradient-norm clipping at 10, seed 42,
 * device auto, no augmentation, {@link ParameterInit.Scheme#HE} initialisation, new classes' rows
 * {@link ClassInit#IMPRINT imprinted}.
 *
 * @param classes the initial class count: the CM class weights start with this many rows, all in the softmax; a
 *                label at or beyond it grows them (in chunks) up to {@code maxClasses}
 * @param maxClasses the most classes the trainer takes ({@code classes.max}); a batch with a label beyond is refused
 * @param classInit how the row of a class first seen mid-stream starts

 * @param shiftAugmentation largest random translation of a training image, in pixels on each axis ({@link RandomShift});
 *                          0 = off
 * @param gradientClipNorm clip the global gradient norm to this value; 0 disables clipping
 * @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param freezeBackbone keep a TorchScript backbone's parameters as loaded (train only the head and class weights)
 * @param backboneLearningRateScale factor on the learning rate of a TorchScript backbone's parameters (default 1)
 * @param init how the network's parameters start (only creation depends on it, not a restore)
 */
public record TrainerConfig(
        NetworkConfig network, int classes, ObjectiveConfig objective, OptimizerConfig optimizer,
        LearningRateSchedule schedule, float gradientClipNorm, long seed, String device, int shiftAugmentation,
        boolean freezeBackbone, float backboneLearningRateScale, ParameterInit.Scheme init, int maxClasses,
        ClassInit classInit)
        implements java.io.Serializable {
    /** Default of {@code classes.max}. */
    public static final int DEFAULT_MAX_CLASSES = 100_000;

    public TrainerConfig {
        if (network == null || objective == null || optimizer == null || schedule == null || device == null
                || init == null || classInit == null) {
            throw new IllegalArgumentException("network, objective, optimizer, schedule, device, init and class init"
                    + " must be set");
        }
        if (maxClasses < 1) {
            throw new IllegalArgumentException("classes.max must be at least 1, got " + maxClasses);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + classes);
        }
        if (classes > maxClasses) {
            throw new IllegalArgumentException("the initial class count (--classes " + classes
                    + ") exceeds classes.max (" + maxClasses + ")");
        }
        if (!(gradientClipNorm >= 0) || !Float.isFinite(gradientClipNorm)) {
            throw new IllegalArgumentException("gradient clip norm must be >= 0 (0 = off), got " + gradientClipNorm);
        }
        if (shiftAugmentation < 0) {
            throw new IllegalArgumentException("shift augmentation must be >= 0 pixels (0 = off), got "
                    + shiftAugmentation);
        }
        if (!(backboneLearningRateScale >= 0) || !Float.isFinite(backboneLearningRateScale)) {
            throw new IllegalArgumentException("backbone learning-rate scale must be >= 0, got " + backboneLearningRateScale);
        }
        if ((freezeBackbone || backboneLearningRateScale != 1f)
                && network.architecture() != io.embedstream.model.net.Architecture.TORCHSCRIPT) {
            throw new IllegalArgumentException("freezing the backbone and scaling its learning rate need a TorchScript"
                    + " backbone (torchscript:PATH), not " + network.architecture().cliName());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().network(network).classes(classes).objective(objective).optimizer(optimizer)
                .schedule(schedule).gradientClipNorm(gradientClipNorm).seed(seed).device(device)
                .shiftAugmentation(shiftAugmentation).freezeBackbone(freezeBackbone)
                .backboneLearningRateScale(backboneLearningRateScale).init(init).maxClasses(maxClasses)
                .classInit(classInit);
    }

    /** Builder with the defaults documented on {@link TrainerConfig}. */
    public static final class Builder {
        private NetworkConfig network = NetworkConfig.builder().build();
        private int classes = 10;
        private ObjectiveConfig objective = ObjectiveConfig.defaults();
        private OptimizerConfig optimizer = OptimizerConfig.defaults();
        private LearningRateSchedule schedule = new LearningRateSchedule.Constant(0.01f);
        private float gradientClipNorm = 10f;
        private long seed = 42;
        private String device = "auto";
        private int shiftAugmentation = 0;
        private boolean freezeBackbone = false;
        private float backboneLearningRateScale = 1f;
        private ParameterInit.Scheme init = ParameterInit.Scheme.HE;
        private int maxClasses = DEFAULT_MAX_CLASSES;
        private ClassInit classInit = ClassInit.IMPRINT;

        public Builder network(NetworkConfig v) { this.network = v; return this; }
        public Builder classes(int v) { this.classes = v; return this; }
        public Builder objective(ObjectiveConfig v) { this.objective = v; return this; }
        public Builder optimizer(OptimizerConfig v) { this.optimizer = v; return this; }
        public Builder schedule(LearningRateSchedule v) { this.schedule = v; return this; }
        public Builder learningRate(float v) { this.schedule = new LearningRateSchedule.Constant(v); return this; }
        public Builder gradientClipNorm(float v) { this.gradientClipNorm = v; return this; }
        public Builder seed(long v) { this.seed = v; return this; }
        public Builder device(String v) { this.device = v; return this; }
        public Builder shiftAugmentation(int v) { this.shiftAugmentation = v; return this; }
        public Builder freezeBackbone(boolean v) { this.freezeBackbone = v; return this; }
        public Builder backboneLearningRateScale(float v) { this.backboneLearningRateScale = v; return this; }
        public Builder init(ParameterInit.Scheme v) { this.init = v; return this; }
        public Builder maxClasses(int v) { this.maxClasses = v; return this; }
        public Builder classInit(ClassInit v) { this.classInit = v; return this; }

        public TrainerConfig build() {
            return new TrainerConfig(network, classes, objective, optimizer, schedule, gradientClipNorm, seed, device,
                    shiftAugmentation, freezeBackbone, backboneLearningRateScale, init, maxClasses, classInit);
        }
    }
}
