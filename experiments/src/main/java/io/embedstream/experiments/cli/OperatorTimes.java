package io.embedstream.experiments.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Self time per operator name from a PyTorch Chrome trace: an event's duration minus that of the events nested in
 * it on the same thread, so that a wrapper such as {@code aten::convolution} does not count its kernel twice.
 */
final class OperatorTimes {
    private OperatorTimes() {}

    /** Self microseconds per operator name, largest first. */
    static Map<String, Double> selfMicros(Path trace) throws IOException {
        JsonNode root = new ObjectMapper().readTree(trace.toFile());
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        Map<String, List<double[]>> byThread = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (JsonNode e : events) {
            if (!"X".equals(e.path("ph").asText())) {
                continue;
            }
            names.add(e.path("name").asText());
            byThread.computeIfAbsent(e.path("tid").asText(), t -> new ArrayList<>()).add(new double[] {
                    e.path("ts").asDouble(), e.path("dur").asDouble(), names.size() - 1, 0});
        }
        Map<String, Double> self = new HashMap<>();
        for (List<double[]> thread : byThread.values()) {
            // Start ascending, longer first at equal starts, so that a parent precedes its children.
            thread.sort(Comparator.<double[]>comparingDouble(e -> e[0]).thenComparingDouble(e -> -e[1]));
            Deque<double[]> open = new ArrayDeque<>();
            for (double[] e : thread) {
                while (!open.isEmpty() && open.peek()[0] + open.peek()[1] <= e[0]) {
                    open.pop();
                }
                if (!open.isEmpty()) {
                    open.peek()[3] += e[1];
                }
                open.push(e);
            }
            for (double[] e : thread) {
                self.merge(names.get((int) e[2]), e[1] - e[3], Double::sum);
            }
        }
        Map<String, Double> sorted = new LinkedHashMap<>();
        self.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(en -> sorted.put(en.getKey(), en.getValue()));
        return sorted;
    }

    /** How many complete events of each name the trace holds. */
    static Map<String, Integer> counts(Path trace) throws IOException {
        JsonNode root = new ObjectMapper().readTree(trace.toFile());
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode e : events) {
            if ("X".equals(e.path("ph").asText())) {
                counts.merge(e.path("name").asText(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
