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
 * The losses' gradients do not change when the garbage collector runs between the forward and the backward pass,
 * as it may in any training step. DJL's {@code mul(Number)} and its kind put the constant in a scalar tensor that
 * borrows a direct buffer's memory and close it straight after the forward operation, while PyTorch's graph keeps
 * pointing at that memory for the backward pass; once the buffer is collected and its memory reused, backward read
 * garbage (training runs skipped steps whose gradients were 1e17 to 1e30 times too large).
 */
class GradientAfterGarbageCollectionTest {
    private static final int TRIALS = 8;

    @Test
    void cm() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = SpecFixture.w(m);
            check(m, a -> CmSoftmaxLoss.defaults().evaluate(new LossInput(a[0], Y, 2, w)));
        }
    }

    @Test
    void ldmat() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = SpecFixture.w(m);
            check(m, a -> new LdmatLoss(10f, 0.5f).evaluate(new LossInput(a[0], Y, 2, w)));
        }
    }

    @Test
    void antiCollapseOnFeatures() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = SpecFixture.w(m);
            check(m, a -> AntiCollapseLoss.defaults(AntiCollapseLoss.Mode.FEATURES)
                    .evaluate(new LossInput(a[0], Y, 2, w)));
        }
    }

    @Test
    void weightedSum() throws InterruptedException {
        ObjectiveConfig config = ObjectiveConfig.builder().cmWeight(0.5f).ldmatWeight(3f).ldmat(new LdmatLoss(4f, 0f))
                .antiCollapseFeaturesWeight(2f).build();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = SpecFixture.w(m);
            check(m, a -> new CombinedObjective(config).evaluate(new LossInput(a[0], Y, 2, w)).total());
        }
    }

    private static void check(NDManager m, Function<NDArray[], NDArray> loss) throws InterruptedException {
        float[] expected = gradient(m, loss, false);
        for (int trial = 0; trial < TRIALS; trial++) {
            assertArrayEquals(expected, gradient(m, loss, true), 1e-6f, "trial " + trial);
        }
    }

    private static float[] gradient(NDManager m, Function<NDArray[], NDArray> loss, boolean collectInBetween)
            throws InterruptedException {
        NDArray z = SpecFixture.z(m);
        z.setRequiresGradient(true);
        List<ByteBuffer> poison = new ArrayList<>();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray out = loss.apply(new NDArray[] {z});
            if (collectInBetween) {
                poison = collectAndReuseFreedMemory();
            }
            collector.backward(out);
        }
        float[] g = z.getGradient().toFloatArray();
        poison.clear();
        return g;
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
