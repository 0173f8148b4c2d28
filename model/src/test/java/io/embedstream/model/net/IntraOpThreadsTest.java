package io.embedstream.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The setting belongs to the calling thread: a secondary thread's small team leaves the other threads' alone. */
class IntraOpThreadsTest {
    /**
     * These tests leave a small count as the one chosen last, which every fresh thread of later tests would inherit:
     * put the machine's count back.
     */
    @AfterEach
    void chooseTheMachinesCountLast() throws InterruptedException {
        Thread t = new Thread(() -> IntraOpThreads.setForCurrentThread(Runtime.getRuntime().availableProcessors()));
        t.start();
        t.join();
    }

    @Test
    void settingIsPerThread() throws Exception {
        int before = IntraOpThreads.ofCurrentThread();
        AtomicInteger inside = new AtomicInteger();
        Thread t = new Thread(() -> {
            IntraOpThreads.setForCurrentThread(1);
            inside.set(IntraOpThreads.ofCurrentThread());
        });
        t.start();
        t.join();
        assertEquals(1, inside.get());
        assertEquals(before, IntraOpThreads.ofCurrentThread(), "the calling thread keeps its own setting");
        assertThrows(IllegalArgumentException.class, () -> IntraOpThreads.setForCurrentThread(0));
    }

    /**
     * The pipeline's case: the trainer's thread chooses its count, then the metrics thread chooses 1, then the trainer
     * runs its first operator. PyTorch's lazy per-thread initialisation would hand the trainer the 1.
     */
    @Test
    void aLaterChoiceOnAnotherThreadDoesNotReachAThreadThatChose() throws Exception {
        CountDownLatch chose = new CountDownLatch(1);
        CountDownLatch otherChose = new CountDownLatch(1);
        AtomicInteger afterFirstOperator = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread trainer = new Thread(() -> {
            try {
                IntraOpThreads.setForCurrentThread(2);
                chose.countDown();
                otherChose.await();
                try (NDManager manager = NDManager.newBaseManager()) {
                    NDArray a = manager.randomUniform(0, 1, new Shape(64, 64));
                    a.matMul(a).sum().getFloat();
                }
                afterFirstOperator.set(IntraOpThreads.ofCurrentThread());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Thread metrics = new Thread(() -> {
            try {
                chose.await();
                IntraOpThreads.setForCurrentThread(1);
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                otherChose.countDown();
            }
        });
        trainer.start();
        metrics.start();
        trainer.join();
        metrics.join();
        assertNull(failure.get());
        assertEquals(2, afterFirstOperator.get());
    }

    /**
     * Why the trainer operator chooses its count instead of keeping the default: a thread that never chose starts
     * with the count chosen last on any other thread (here 1), not with the machine's.
     */
    @Test
    void aThreadThatNeverChoseGetsTheCountChosenLastElsewhere() throws Exception {
        int[] seen = new int[2];
        Thread chooser = new Thread(() -> IntraOpThreads.setForCurrentThread(1));
        chooser.start();
        chooser.join();
        Thread fresh = new Thread(() -> seen[0] = IntraOpThreads.ofCurrentThread());
        fresh.start();
        fresh.join();
        Thread choosing = new Thread(() -> {
            IntraOpThreads.setForCurrentThread(3);
            seen[1] = IntraOpThreads.ofCurrentThread();
        });
        choosing.start();
        choosing.join();
        assertEquals(1, seen[0], "PyTorch hands a fresh thread the last count chosen elsewhere");
        assertEquals(3, seen[1]);
    }
}
