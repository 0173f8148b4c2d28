package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.net.IntraOpThreads;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.config.RuntimeSettings;
import io.embedstream.pipeline.job.EmbedstreamJob;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.operators.UdfStreamOperatorFactory;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * {@code runtime.trainer-threads = 0} means every core of the TaskManager that runs the trainer. The client that
 * builds the job graph may have any number of cores, so the graph must carry the 0 and the trainer must count the
 * cores where it runs, when its state is initialised (before its first PyTorch operator).
 */
class TrainerThreadsTest {
    /** The TaskManager's cores: a count this machine, the client, does not have. */
    private static final int TASK_MANAGER_CORES = Runtime.getRuntime().availableProcessors() + 1;

    private static final TrainerConfig TRAINER = TrainerConfig.builder()
            .network(NetworkConfig.builder().embeddingSize(8).build())
            .objective(ObjectiveConfig.defaults())
            .device("cpu")
            .build();

    @Test
    void theJobGraphCarriesZeroNotTheClientsCoreCount() throws Exception {
        PipelineConfig config = PipelineConfig.defaults(TRAINER);
        assertEquals(0, config.runtime().trainerThreads(), "the default is 0, every core");
        assertEquals(0, trainerInJobGraph(config).configuredThreads(),
                "the client resolved 0 to its own core count while building the job graph");

        RuntimeSettings rt = config.runtime();
        PipelineConfig five = config.withRuntime(new RuntimeSettings(rt.checkpointIntervalMillis(), rt.stateBackend(),
                rt.checkpointDirectory(), rt.decodeParallelism(), rt.qualityParallelism(), rt.maxRecordBytes(), 5));
        assertEquals(5, trainerInJobGraph(five).configuredThreads(), "an explicit count travels as it is");
    }

    @Test
    void zeroIsResolvedToTheCoresWhereTheTrainerRuns() throws Exception {
        TrainerOperator shipped = InstantiationUtil.clone(new TrainerOperator(TRAINER, null, false, 0,
                () -> TASK_MANAGER_CORES));
        assertEquals(0, shipped.configuredThreads());
        assertEquals(TASK_MANAGER_CORES, threadsAfterInitialisation(shipped));
    }

    @Test
    void anExplicitCountWinsOverTheCores() throws Exception {
        TrainerOperator operator = new TrainerOperator(TRAINER, null, false, 2, () -> TASK_MANAGER_CORES);
        assertEquals(2, threadsAfterInitialisation(operator));
        assertThrows(IllegalArgumentException.class, () -> new TrainerOperator(TRAINER, null, false, -1));
    }

    /** The trainer operator in the stream graph that the job builds on a client, as Flink ships it. */
    private static TrainerOperator trainerInJobGraph(PipelineConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        EmbedstreamJob.build(env, config);
        List<TrainerOperator> found = new ArrayList<>();
        for (StreamNode node : env.getStreamGraph().getStreamNodes()) {
            StreamOperatorFactory<?> factory = node.getOperatorFactory();
            if (factory instanceof UdfStreamOperatorFactory<?> udf && udf.getUserFunction() instanceof TrainerOperator t) {
                found.add(InstantiationUtil.clone(t));
            }
        }
        assertEquals(1, found.size(), "trainer operators in the job graph");
        return found.get(0);
    }

    /**
     * Initialises the operator's state (no restore) on a fresh thread, as a task thread of a TaskManager would,
     * and returns the operator parallelism PyTorch then has on that thread.
     */
    private static int threadsAfterInitialisation(TrainerOperator operator) throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread task = new Thread(() -> {
            try {
                operator.initializeState(freshContext());
                result.set(IntraOpThreads.ofCurrentThread());
            } catch (Throwable e) {
                result.set(e);
            } finally {
                operator.close();
            }
        }, "trainer-task");
        task.start();
        task.join();
        if (result.get() instanceof Throwable e) {
            throw new AssertionError("initializeState failed: " + e, e);
        }
        return (Integer) result.get();
    }

    /** An initialisation context of a first start: empty operator state, nothing restored. */
    private static FunctionInitializationContext freshContext() {
        ListState<?> empty = proxy(ListState.class, (method, args) -> switch (method) {
            case "get" -> List.of();
            default -> null;
        });
        OperatorStateStore store = proxy(OperatorStateStore.class, (method, args) -> switch (method) {
            case "getListState" -> empty;
            default -> throw new UnsupportedOperationException(method);
        });
        return proxy(FunctionInitializationContext.class, (method, args) -> switch (method) {
            case "isRestored" -> false;
            case "getRestoredCheckpointId" -> OptionalLong.empty();
            case "getOperatorStateStore" -> store;
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private interface Answer {
        Object answer(String method, Object[] args);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Answer answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> switch (method.getName()) {
                    case "toString" -> "test " + type.getSimpleName();
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    default -> answer.answer(method.getName(), args);
                });
    }
}
