package io.embedstream.model.loss;

import static io.embedstream.model.loss.SpecFixture.Y;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The BCT term: the CM margin softmax against the previous version's class weights, which it never trains. */
class BctLossTest {
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static LossInput input(NDArray z, NDArray w, NDArray reference) {
        return new LossInput(z, LossInput.upload(z.getManager(), Y), Y, 2, w, reference);
    }

    @Test
    void scoresTheEmbeddingsByTheReferenceWeightsAndLeavesTheClassWeightsAlone() {
        NDArray reference = manager.create(new float[] {0, 1, 1, 0}, new Shape(2, 2));
        NDArray w = SpecFixture.w(manager);
        SpecFixture.Result bct = SpecFixture.valueAndGradients(
                a -> new BctLoss(CmSoftmaxLoss.defaults()).evaluate(input(a[0], a[1], reference)),
                SpecFixture.z(manager), w);
        SpecFixture.Result cm = SpecFixture.valueAndGradients(
                a -> CmSoftmaxLoss.defaults().evaluate(input(a[0], reference, null)), SpecFixture.z(manager));
        assertEquals(cm.value(), bct.value(), 1e-6f);
        assertArrayEquals(cm.gradients()[0], bct.gradients()[0], 1e-6f);
        assertArrayEquals(new float[4], bct.gradients()[1], 0f);
        // The spec's reference value when the reference is the current weights.
        assertEquals(7.6473081f, new BctLoss(CmSoftmaxLoss.defaults())
                .evaluate(input(SpecFixture.z(manager), w, w)).getFloat(), 2e-4f);
    }

    @Test
    void isZeroWithoutAPreviousVersion() {
        SpecFixture.Result r = SpecFixture.valueAndGradients(
                a -> new BctLoss(CmSoftmaxLoss.defaults()).evaluate(input(a[0], SpecFixture.w(manager), null)),
                SpecFixture.z(manager));
        assertEquals(0f, r.value());
        assertArrayEquals(new float[8], r.gradients()[0], 0f);
    }

    @Test
    void isOffByDefault() {
        ObjectiveConfig defaults = ObjectiveConfig.defaults();
        assertEquals(0f, defaults.bctWeight());
        assertFalse(defaults.terms().stream().anyMatch(t -> t.loss() instanceof BctLoss));
        assertFalse(defaults.describe().containsKey("bct.weight"));
        ObjectiveConfig on = defaults.toBuilder().bctWeight(0.5f).build();
        assertEquals(java.util.List.of("cm", "ldmat", "anticollapse_proxies", "bct"),
                new CombinedObjective(on).componentNames());
        assertEquals(0.5f, on.describe().get("bct.weight"));
    }
}
