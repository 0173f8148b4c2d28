package io.embedstream.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The setting belongs to the calling thread: a secondary thread's small team leaves the other threads' alone. */
class IntraOpThreadsTest {
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
}
