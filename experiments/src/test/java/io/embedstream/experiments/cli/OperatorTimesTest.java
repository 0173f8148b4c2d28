package io.embedstream.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Self time: a parent's duration less its children's, per thread; names summed over events. */
class OperatorTimesTest {
    @Test
    void nestedEventsCountOnceAndThreadsApart(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("trace.json");
        Files.writeString(trace, """
                [
                 {"name":"aten::convolution","ph":"X","ts":0,"dur":100,"tid":1},
                 {"name":"aten::mkldnn_convolution","ph":"X","ts":10,"dur":80,"tid":1},
                 {"name":"aten::empty","ph":"X","ts":20,"dur":5,"tid":1},
                 {"name":"aten::mul","ph":"X","ts":120,"dur":30,"tid":1},
                 {"name":"aten::mul","ph":"X","ts":50,"dur":10,"tid":2},
                 {"name":"process","ph":"M","tid":1}
                ]""");
        Map<String, Double> self = OperatorTimes.selfMicros(trace);
        assertEquals(20.0, self.get("aten::convolution"));
        assertEquals(75.0, self.get("aten::mkldnn_convolution"));
        assertEquals(5.0, self.get("aten::empty"));
        assertEquals(40.0, self.get("aten::mul"), "the other thread's event is not nested in thread 1's");
        assertEquals(List.of("aten::mkldnn_convolution", "aten::mul", "aten::convolution", "aten::empty"),
                List.copyOf(self.keySet()));
    }
}
