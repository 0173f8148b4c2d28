package io.embedstream.model.loss;

import static io.embedstream.model.loss.SpecFixture.Y;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The losses' gradients, with respect to the features and the class weights, do not change when the garbage
 * collector runs between the forward and the backward pass, as it may in any training step. DJL's
 * {@code mul(Number)} and its kind put the constant in a scalar tensor that borrows a direct buffer's memory and
 * close it straight after the forward operation, while PyTorch's graph keeps pointing at that memory for the
 * backward pass ({@link GraphConstant}). This test frees and refills that memory in between; before the losses
 * used {@link GraphConstant} it failed for every loss on the first trial.
 */
class GradientAfterGarbageCollectionTest {
    private static final int TRIALS = 8;

    @Test
    void cm() throws InterruptedException {
        check(in -> CmSoftmaxLoss.defaults().evaluate(in));
    }

    @Test
    void ldmat() throws InterruptedException {
        check(in -> new LdmatLoss(10f, 0.5f).evaluate(in));
    }

    @Test
    void antiCollapseOnFeatures() throws InterruptedException {
        check(in -> AntiCollapseLoss.defaults(AntiCollapseLoss.Mode.FEATURES).evaluate(in));
    }

    @Test
    void antiCollapseOnProxies() throws InterruptedException {
        check(in -> AntiCollapseLoss.defaults(AntiCollapseLoss.Mode.PROXIES).evaluate(in));
    }

    @Test
    void weightedSum() throws InterruptedException {
        ObjectiveConfig config = ObjectiveConfig.builder().cmWeight(0.5f).ldmatWeight(3f).ldmat(new LdmatLoss(4f, 0f))
                .antiCollapseFeaturesWeight(2f).build();
        check(in -> new CombinedObjective(config).evaluate(in).total());
    }

    private static void check(Function<LossInput, NDArray> loss) throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] expected = gradient(m, loss, false);
            for (int trial = 0; trial < TRIALS; trial++) {
                assertArrayEquals(expected, gradient(m, loss, true), 1e-6f, "trial " + trial);
            }
        }
    }

    /** The gradients with respect to the features, then the class weights, in one array. */
    private static float[] gradient(NDManager m, Function<LossInput, NDArray> loss, boolean collectInBetween)
            throws InterruptedException {
        NDArray z = SpecFixture.z(m);
        NDArray w = SpecFixture.w(m);
        z.setRequiresGradient(true);
        w.setRequiresGradient(true);
        List<ByteBuffer> poison = List.of();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray out = loss.apply(new LossInput(z, Y, 2, w));
            if (collectInBetween) {
                poison = collectAndReuseFreedMemory();
            }
            collector.backward(out);
            java.lang.ref.Reference.reachabilityFence(poison); // the refilled blocks stay taken through backward
        }
        float[] gz = z.getGradient().toFloatArray();
        float[] gw = w.getGradient().toFloatArray();
        float[] both = new float[gz.length + gw.length];
        System.arraycopy(gz, 0, both, 0, gz.length);
        System.arraycopy(gw, 0, both, gz.length, gw.length);
        return both;
    }

    /** Collects unreachable direct buffers, then fills freshly allocated small blocks with a huge value. */
    private static List<ByteBuffer> collectAndReuseFreedMemory() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        List<ByteBuffer> blocks = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 * (1 + i % 4)).order(ByteOrder.nativeOrder());
            while (b.remaining() >= 4) {
                b.putFloat(1e20f);
            }
            blocks.add(b);
        }
        return blocks;
    }
}
