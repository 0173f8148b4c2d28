package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.embedstream.model.metrics.drift.ClassAwareDriftMonitor;
import io.embedstream.model.metrics.drift.ClassAwareDriftState;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.DriftSettings;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The calibrated drift detectors in the metrics operator's checkpointed state: the state goes through Flink's POJO
 * serializer, and a {@link CalibratedDriftCheck} built on a restored state continues the detector where it stopped
 * (same step, same windows, no new calibration) rather than re-arming it.
 */
class CalibratedDriftStateTest {
    private static final DriftSettings SETTINGS = new DriftSettings(200, 50, 1, 16, 0);
    private static final TrainerConfig TRAINER = TrainerConfig.builder().build();
    private static final int D = 8;

    @Test
    void aRestoredStateContinuesTheDetectorWithoutRecalibrating() throws Exception {
        Random rng = new Random(3);
        MetricsOperator.MetricsState state = new MetricsOperator.MetricsState();
        state.driftReferenceEmbeddings = gaussian(rng, 200);
        state.driftReferenceLabels = labels(200);
        state.driftReferenceVersion = 3;
        state.driftReferenceParameters = new byte[] {1, 2, 3};
        state.driftRebases = 2;

        // No monitor bytes yet: the check calibrates on the checkpointed reference.
        CalibratedDriftCheck first = new CalibratedDriftCheck(state, SETTINGS, TRAINER, 64);
        ClassAwareDriftMonitor monitor = first.monitor().orElseThrow();
        for (int t = 0; t < 4; t++) {
            monitor.update(gaussian(rng, 64), labels(64));
        }
        first.snapshot();
        ClassAwareDriftState saved = monitor.state();
        assertEquals(4, saved.covariate().step());

        MetricsOperator.MetricsState restored = roundTrip(state);
        assertArrayEquals(state.driftMonitor, restored.driftMonitor);
        assertEquals(2, restored.driftRebases);
        assertEquals(3, restored.driftReferenceVersion);
        CalibratedDriftCheck second = new CalibratedDriftCheck(restored, SETTINGS, TRAINER, 64);
        ClassAwareDriftMonitor again = second.monitor().orElseThrow();
        assertEquals(saved, again.state(), "restored, not re-armed");
        float[][] x = gaussian(rng, 64);
        int[] y = labels(64);
        assertEquals(monitor.update(x, y), again.update(x, y));

        // Other drift settings do not fit the saved detector: it is calibrated again on the same reference.
        CalibratedDriftCheck other = new CalibratedDriftCheck(roundTrip(state),
                new DriftSettings(200, 60, 1, 16, 0), TRAINER, 64);
        assertEquals(0, other.monitor().orElseThrow().state().covariate().step());
        assertNotEquals(saved.covariate().configFingerprint(),
                other.monitor().orElseThrow().state().covariate().configFingerprint());
    }

    private static MetricsOperator.MetricsState roundTrip(MetricsOperator.MetricsState state) throws Exception {
        TypeSerializer<MetricsOperator.MetricsState> serializer = TypeInformation.of(MetricsOperator.MetricsState.class)
                .createSerializer(new SerializerConfigImpl());
        assertInstanceOf(PojoSerializer.class, serializer, "MetricsState must stay a Flink POJO");
        DataOutputSerializer out = new DataOutputSerializer(1 << 16);
        serializer.serialize(state, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static float[][] gaussian(Random rng, int n) {
        float[][] x = new float[n][D];
        for (float[] row : x) {
            for (int j = 0; j < D; j++) {
                row[j] = (float) rng.nextGaussian();
            }
        }
        return x;
    }

    private static int[] labels(int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 4;
        }
        return y;
    }
}
