import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import io.embedstream.model.net.IntraOpThreads;

public class MklThreads {
    static double time(String what, NDManager m, Runnable r) { long t = System.nanoTime(); r.run(); double s = (System.nanoTime() - t) / 1e9; System.out.printf("%s: %.3f s%n", what, s); return s; }
    public static void main(String[] a) throws Exception {
        IntraOpThreads.setForCurrentThread(2);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(768, 768));
            NDArray img = m.randomNormal(new Shape(32, 32, 32, 32));
            NDArray w = m.randomNormal(new Shape(64, 32, 3, 3));
            Runnable mm = () -> { for (int i = 0; i < 40; i++) { NDArray y = x.matMul(x); y.toFloatArray(); y.close(); } };
            Runnable conv = () -> { for (int i = 0; i < 20; i++) { NDArray y = ai.djl.nn.convolutional.Conv2d.conv2d(img, w, null, new Shape(1,1), new Shape(1,1)).singletonOrThrow(); y.toFloatArray(); y.close(); } };
            mm.run(); conv.run();
            time("matmul, this thread 2, nobody else set", m, mm);
            time("conv,   this thread 2, nobody else set", m, conv);
            Thread t = new Thread(() -> { IntraOpThreads.setForCurrentThread(1); try (NDManager s = NDManager.newBaseManager()) { s.ones(new Shape(4,4)).matMul(s.ones(new Shape(4,4))).toFloatArray(); } });
            t.start(); t.join();
            System.out.println("this thread's count now " + IntraOpThreads.ofCurrentThread());
            time("matmul, this thread 2, another thread set 1", m, mm);
            time("conv,   this thread 2, another thread set 1", m, conv);
            IntraOpThreads.setForCurrentThread(2);
            time("matmul, this thread set 2 again", m, mm);
            time("conv,   this thread set 2 again", m, conv);
            IntraOpThreads.setForCurrentThread(1);
            time("matmul, this thread 1", m, mm);
            time("conv,   this thread 1", m, conv);
        }
    }
}
