package io.embedstream.benchmarks.batching;

import io.embedstream.pipeline.batching.BatchAssembler;
import io.embedstream.pipeline.batching.BatcherIndex;
import io.embedstream.pipeline.batching.BatcherOutput;
import io.embedstream.pipeline.batching.BatcherStores;
import io.embedstream.pipeline.batching.HashMapStore;
import io.embedstream.pipeline.config.BatcherConfig;
import io.embedstream.pipeline.types.MiniBatch;
import io.embedstream.pipeline.types.ScoredImage;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The batcher's cost per record as the number of classes grows (issue 16): a stream of uniformly random labels
 * over {@code classes} identities, P x K = 8 x 4, the default bounds, in steady state (buffers full, evictions
 * running). State lives in hash maps here, so this is the batcher's own work; in the job each state operation is
 * also a RocksDB access, and their count per record is what {@code BatchAssemblerTest} bounds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BatchAssemblerBenchmark {
    @Param({"100", "1000", "10000", "100000"})
    public int classes;

    private final BatcherConfig config = new BatcherConfig(8, 4, 16, 8, 5000, 2,
            BatcherConfig.DEFAULT_MAX_BUFFERED, BatcherConfig.DEFAULT_MAX_REPLAY, false);
    private BatcherStores stores;
    private BatcherIndex index;
    private SplittableRandom random;
    private ScoredImage[] images;
    private int next;
    private Blackhole sink;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) throws Exception {
        sink = blackhole;
        stores = HashMapStore.stores();
        index = BatcherIndex.create(1);
        random = new SplittableRandom(1);
        images = new ScoredImage[1 << 16];
        for (int i = 0; i < images.length; i++) {
            images[i] = new ScoredImage();
            images[i].id = "img-" + i;
            images[i].label = random.nextInt(classes);
        }
        for (int i = 0; i < 200_000; i++) {
            add(); // to steady state: buffers and reservoirs at their bounds
        }
    }

    private void add() throws Exception {
        BatchAssembler assembler = new BatchAssembler(config, stores, index, new BatcherOutput() {
            @Override
            public void batch(MiniBatch batch) {
                sink.consume(batch);
            }

            @Override
            public void dropped(ScoredImage image) {
                sink.consume(image);
            }
        });
        assembler.add(images[next++ & (images.length - 1)]);
        assembler.finish();
    }

    @Benchmark
    public void addOneRecord() throws Exception {
        add();
    }
}
