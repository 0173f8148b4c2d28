package io.embedstream.pipeline.operators;

import io.embedstream.model.metrics.drift.ClassAwareDriftConfig;
import io.embedstream.model.metrics.drift.ClassAwareDriftMonitor;
import io.embedstream.model.metrics.drift.ClassAwareDriftReport;
import io.embedstream.model.metrics.drift.ClassAwareDriftState;
import io.embedstream.model.metrics.drift.ClassDriftConfig;
import io.embedstream.model.metrics.drift.ClassDriftReport;
import io.embedstream.model.metrics.drift.ErtMmdConfig;
import io.embedstream.model.metrics.drift.ReferenceSample;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.DriftSettings;
import io.embedstream.pipeline.config.MetricsSettings;
import io.embedstream.pipeline.types.ScoredImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DATA_DRIFT, LABEL_SHIFT and CLASS_DRIFT from a {@link ClassAwareDriftMonitor}, calibrated once to the configured
 * expected run time between false alarms ({@link DriftSettings}).
 *
 * <p>The reference is the operator's reference sample of input images with their labels
 * ({@link DriftSamples#fullReference()}). When it is complete and a model version exists, it is embedded by that
 * version, the <em>reference encoder</em>, and the monitor is calibrated on it. Calibration simulates the detectors'
 * statistics and took over 15 s for ten class-conditional detectors on a 2-core machine, so it runs on the
 * {@code calibration} executor, off the operator's thread: run there, it held up the metrics operator, and through
 * back-pressure the trainer, for as long (a 40,000-image demo stopped for want of progress). Windows that close
 * meanwhile say "calibrating" and have no verdict. Every later window's sample
 * is embedded by the same reference encoder, not by the latest version, so that training does not look like drift
 * between re-bases; {@link #rebase} collects a new reference, which the then latest version embeds.
 *
 * <p>Checkpointed in {@link MetricsOperator.MetricsState}: the reference's embeddings and labels, the encoder's
 * version and parameters, and the monitor's state ({@link ClassAwareDriftState#toBytes()}). A restore rebuilds the
 * monitor with {@link ClassAwareDriftMonitor#restore} from them, without re-running the simulation, so it neither
 * re-arms the detectors nor forgets a window they have seen. If the drift settings changed since (the state no longer
 * fits them), the monitor is calibrated again on the checkpointed reference embeddings and the log says so. A
 * checkpoint taken while a calibration runs holds the reference but no monitor: the restored check calibrates again.
 */
final class CalibratedDriftCheck {
    private static final Logger LOG = LoggerFactory.getLogger(CalibratedDriftCheck.class);

    private final MetricsOperator.MetricsState state;
    private final DriftSettings settings;
    private final TrainerConfig trainer;
    private final int sampleSize;
    private final String device;
    private final ClassIndexLookup classIndex;
    private final Executor calibration;
    private MetricsModel encoder;
    private ClassAwareDriftMonitor monitor;
    /** The calibration under way, if any; its result becomes {@link #monitor} at the next window. */
    private FutureTask<ClassAwareDriftMonitor> calibrating;
    private long calibratingSince;
    private String unavailable;
    private ClassAwareDriftReport latest;

    CalibratedDriftCheck(MetricsOperator.MetricsState state, DriftSettings settings, TrainerConfig trainer,
                         int sampleSize) {
        this(state, settings, trainer, sampleSize, MetricsSettings.DEFAULT_DEVICE, new ClassIndexLookup(state), Runnable::run);
    }

    /**
     * @param device     the metrics operator's device ({@code metrics.device}), where the reference encoder runs
     * @param classIndex  the trainer's index of each sampled image's class (images of a class no version has trained
     *                    on yet are left out of the reference and of the windows)
     * @param calibration where the detectors are calibrated: a thread of their own in the operator, the caller's
     *                    thread ({@code Runnable::run}) where a test wants the monitor at once
     */
    CalibratedDriftCheck(MetricsOperator.MetricsState state, DriftSettings settings, TrainerConfig trainer,
                         int sampleSize, String device, ClassIndexLookup classIndex, Executor calibration) {
        this.calibration = calibration;
        this.device = device;
        this.classIndex = classIndex;
        this.state = state;
        this.settings = settings;
        this.trainer = trainer;
        this.sampleSize = sampleSize;
        if (state.driftReferenceEmbeddings != null) {
            ClassAwareDriftConfig config = config();
            if (state.driftMonitor != null) {
                try {
                    monitor = ClassAwareDriftMonitor.restore(config, ClassAwareDriftState.fromBytes(state.driftMonitor));
                } catch (IllegalArgumentException e) {
                    LOG.warn("the checkpointed drift detector does not fit the drift settings ({}); calibrating again "
                            + "on the checkpointed reference", e.getMessage());
                }
            }
            if (monitor == null) {
                startCalibration(config);
                installCalibrated();
            }
        }
    }

    /** The monitor, once calibrated (for tests). */
    Optional<ClassAwareDriftMonitor> monitor() {
        installCalibrated();
        return Optional.ofNullable(monitor);
    }

    /** Whether a calibration is under way (for tests). */
    boolean calibrating() {
        return calibrating != null && !calibrating.isDone();
    }

    private void startCalibration(ClassAwareDriftConfig config) {
        calibrating = new FutureTask<>(() -> ClassAwareDriftMonitor.calibrate(config));
        calibratingSince = System.nanoTime();
        calibration.execute(calibrating);
    }

    /**
     * Takes the finished calibration's monitor, if one has finished; a calibration that failed turns calibrated drift
     * off with its reason, as a reference the detectors cannot use did when it ran on the operator's thread.
     */
    private void installCalibrated() {
        if (calibrating == null || !calibrating.isDone()) {
            return;
        }
        FutureTask<ClassAwareDriftMonitor> done = calibrating;
        calibrating = null;
        try {
            monitor = done.get();
            LOG.info("drift detectors calibrated on a reference of {} images embedded by model version {} in {} ms "
                            + "(expected run time {} windows, thresholds {})", state.driftReferenceLabels.length,
                    state.driftReferenceVersion, (System.nanoTime() - calibratingSince) / 1_000_000,
                    settings.expectedRunTime(), java.util.Arrays.toString(monitor.covariateDetector().thresholds()));
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            forgetReference();
            unavailable = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            LOG.warn("calibrated drift detection is off: {}", unavailable);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // done, so get() does not wait; kept for the contract
        }
    }

    /**
     * The monitor's verdict on this window's sample, calibrating first when the reference has just become complete;
     * empty with the reason in {@code notes} when there is none.
     */
    Optional<ClassAwareDriftReport> update(MetricsModel model, DriftSamples samples, WindowSample window,
                                           List<String> notes) {
        latest = null;
        installCalibrated();
        if (monitor == null && calibrating == null && unavailable == null) {
            if (!model.loaded() || model.parameters() == null) {
                notes.add("calibrated drift: no model version published yet");
                return Optional.empty();
            }
            if (!samples.referenceComplete()) {
                notes.add("calibrated drift: reference " + samples.referenceRows() + " of " + settings.referenceSize()
                        + " images");
                return Optional.empty();
            }
            try {
                embedReference(model, samples.fullReference());
                samples.trimReference();
                startCalibration(config());
                installCalibrated();
            } catch (IllegalArgumentException e) {
                // A reference this detector cannot use (e.g. a class too rare for its quota): say so in every record.
                forgetReference();
                unavailable = e.getMessage();
                LOG.warn("calibrated drift detection is off: {}", unavailable);
            }
        }
        if (unavailable != null) {
            notes.add("calibrated drift: " + unavailable);
            return Optional.empty();
        }
        if (monitor == null) {
            notes.add("calibrated drift: calibrating on a reference of " + state.driftReferenceLabels.length
                    + " images embedded by version " + state.driftReferenceVersion);
            return Optional.empty();
        }
        if (window.size() < settings.rowsPerStep()) {
            notes.add("calibrated drift: the window's sample has " + window.size() + " images, fewer than "
                    + settings.rowsPerStep());
            return Optional.empty();
        }
        try {
            float[][] rows = window.embeddedBy(encoder(model));
            int[] labels = classIndex.labels(window.images());
            int[] known = ClassIndexLookup.known(labels);
            if (known != null) {
                rows = ClassIndexLookup.select(rows, known);
                labels = ClassIndexLookup.select(labels, known);
            }
            latest = monitor.update(rows, labels);
            return Optional.of(latest);
        } catch (RuntimeException e) {
            notes.add("calibrated drift: " + e.getMessage());
            return Optional.empty();
        }
    }

    private void forgetReference() {
        state.driftReferenceEmbeddings = null;
        state.driftReferenceLabels = null;
        state.driftReferenceParameters = null;
    }

    /** Embeds the complete reference with the latest version, the reference encoder from now on, into the state. */
    private void embedReference(MetricsModel model, List<ScoredImage> reference) {
        float[][] embeddings = model.embed(reference);
        int[] labels = classIndex.labels(reference);
        int[] known = ClassIndexLookup.known(labels);
        if (known != null) {
            // Named classes that no version has trained on yet have no index to compare by: left out of the reference.
            LOG.info("drift reference: {} of {} images are of classes no version names yet, left out",
                    labels.length - known.length, labels.length);
            embeddings = ClassIndexLookup.select(embeddings, known);
            labels = ClassIndexLookup.select(labels, known);
        }
        state.driftReferenceEmbeddings = embeddings;
        state.driftReferenceLabels = labels;
        state.driftReferenceVersion = model.version();
        state.driftReferenceParameters = model.parameters();
        state.driftQuietWindows = 0;
    }

    /**
     * The model that embeds this window's drift sample: the reference encoder once the detectors are calibrated, the
     * latest version before that (and when calibrated detection is off). {@link DataDriftCheck} embeds with it too, so
     * that a window's sample goes through one forward pass, not one by the encoder and one by the latest version.
     */
    MetricsModel sampleEncoder(MetricsModel latest) {
        return monitor != null && latest.loaded() ? encoder(latest) : latest;
    }

    /** The version that embedded the reference; the current model itself when it still is that version. */
    private MetricsModel encoder(MetricsModel model) {
        // A version names its parameters: after a restore the arrays are new objects, but the same weights.
        if (model.version() == state.driftReferenceVersion) {
            return model;
        }
        if (encoder == null) {
            encoder = new MetricsModel(trainer, device);
        }
        if (!encoder.loaded() || encoder.version() != state.driftReferenceVersion) {
            encoder.load(state.driftReferenceVersion, state.driftReferenceParameters);
        }
        return encoder;
    }

    /** The configuration for the checkpointed reference (a pure function of it and the settings). */
    private ClassAwareDriftConfig config() {
        ReferenceSample reference = ReferenceSample.of(state.driftReferenceEmbeddings, state.driftReferenceLabels);
        ErtMmdConfig covariate = ErtMmdConfig.builder(reference).expectedRunTime(settings.expectedRunTime())
                .windowSteps(settings.windowSteps()).rowsPerStep(settings.rowsPerStep()).seed(trainer.seed())
                .stratifyByClass(true).build();
        int classes = new TreeSet<>(java.util.Arrays.stream(state.driftReferenceLabels).boxed().toList()).size();
        // Each class gets about half its expected share of a window's sample per step.
        int perClass = Math.max(2, Math.min(16, sampleSize / (2 * Math.max(1, classes))));
        ClassDriftConfig classDrift = new ClassDriftConfig(settings.expectedRunTime(), settings.windowSteps(), perClass,
                20, trainer.seed());
        return ClassAwareDriftConfig.of(covariate).withClassDrift(classDrift);
    }

    /** Forgets the reference and the monitor; the next complete reference is embedded and calibrated on. */
    void rebase(DriftSamples samples) {
        samples.clearReference();
        if (calibrating != null) {
            calibrating.cancel(false); // not started yet: never runs; running: its result is dropped
            calibrating = null;
        }
        monitor = null;
        unavailable = null;
        state.driftReferenceEmbeddings = null;
        state.driftReferenceLabels = null;
        state.driftReferenceParameters = null;
        state.driftMonitor = null;
        state.driftQuietWindows = 0;
        state.driftRebases++;
    }

    /** Copies the monitor's state into the checkpointed state. */
    void snapshot() {
        if (monitor != null) {
            state.driftMonitor = monitor.state().toBytes();
        }
    }

    /** The figures of this window's verdict and of the reference, for the record and the gauges. */
    Map<String, Double> figures(DriftSamples samples) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("drift.reference.rows", (double) samples.referenceRows());
        f.put("drift.reference.rebases", (double) state.driftRebases);
        if (monitor != null) {
            f.put("drift.reference.version", (double) state.driftReferenceVersion);
            f.put("drift.ert.expected_run_time", (double) settings.expectedRunTime());
        }
        if (latest != null) {
            if (latest.covariate().tested()) {
                f.put("drift.ert.statistic", latest.covariate().statistic().getAsDouble());
                f.put("drift.ert.threshold", latest.covariate().threshold());
                f.put("drift.ert.step", (double) latest.covariate().step());
            }
            if (latest.labelShift().tested()) {
                f.put("drift.label_shift.p_value", latest.labelShift().pValue());
                f.put("drift.label_shift.total_variation", latest.labelShift().totalVariation());
            }
            latest.classes().ifPresent(c -> {
                List<Integer> drifting = c.drifting();
                f.put("drift.class.drifting_count", (double) drifting.size());
                for (ClassDriftReport.ClassResult r : c.classes()) {
                    if (r.result().drift()) {
                        f.put("drift.class." + r.label() + ".drifting", 1.0);
                    }
                }
            });
        }
        // Non-finite figures are left out where the record is built (MetricsRecordBuilder).
        return f;
    }

    void close() {
        if (encoder != null) {
            encoder.close();
        }
    }
}
