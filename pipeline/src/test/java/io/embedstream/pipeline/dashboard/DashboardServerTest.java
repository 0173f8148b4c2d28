package io.embedstream.pipeline.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.broker.EmbeddedKafkaBroker;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server without a browser: the event stream's protocol, the static files, the history and both feeds. */
class DashboardServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aNewConnectionGetsTheHistoryThenLiveRecords() throws Exception {
        List<String> recorded = RecordedMetrics.lines();
        MetricsHistory history = new MetricsHistory(100);
        for (String line : recorded.subList(0, 3)) {
            assertTrue(history.add(line.getBytes(StandardCharsets.UTF_8)));
        }
        assertFalse(history.add("{\"type\":\"something else\"}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(history.add("not json".getBytes(StandardCharsets.UTF_8)));
        try (DashboardServer server = DashboardServer.builder().history(history).port(0).source("unit test").build().start()) {
            HttpResponse<InputStream> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(server.url() + "events")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
            try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                Event reset = next(events);
                assertEquals("reset", reset.name);
                assertEquals(3, JSON.readTree(reset.data).path("records").asInt());
                assertEquals("unit test", JSON.readTree(reset.data).path("source").asText());
                for (int i = 0; i < 3; i++) {
                    Event e = next(events);
                    assertEquals("window", e.name);
                    assertEquals(JSON.readTree(recorded.get(i)), JSON.readTree(e.data));
                }
                assertEquals("synced", next(events).name);
                assertEquals(1, server.connectedBrowsers());

                history.add(recorded.get(3).getBytes(StandardCharsets.UTF_8));
                Event live = next(events);
                assertEquals("window", live.name);
                assertEquals(JSON.readTree(recorded.get(3)), JSON.readTree(live.data));
            }
        }
    }

    @Test
    void servesThePageTheChartLibraryAndNothingElse() throws Exception {
        try (DashboardServer server = DashboardServer.builder().history(new MetricsHistory(10)).port(0).build().start()) {
            HttpResponse<String> page = get(server.url());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<canvas id=\"spectrum\">"), "the page has the charts' canvases");
            assertTrue(page.body().contains(StaticResources.CHART_JS_PATH), "the page loads Chart.js from this server");
            HttpResponse<String> chart = get(server.url() + StaticResources.CHART_JS_PATH.substring(1));
            assertEquals(200, chart.statusCode());
            assertTrue(chart.body().contains("Chart.js v" + StaticResources.chartJsVersion()), "the WebJar's Chart.js");
            assertEquals(200, get(server.url() + "dashboard.js").statusCode());
            assertEquals(200, get(server.url() + "dashboard.css").statusCode());
            assertEquals(404, get(server.url() + "../pom.xml").statusCode());
            assertEquals(404, get(server.url() + "META-INF/maven/org.webjars.npm/chart.js/pom.properties").statusCode());
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(server.url()))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    @Test
    void historyKeepsTheNewestRecordsUpToItsCapacity() {
        List<String> recorded = RecordedMetrics.lines();
        MetricsHistory history = new MetricsHistory(5);
        recorded.subList(0, 8).forEach(l -> history.add(l.getBytes(StandardCharsets.UTF_8)));
        List<String> kept = history.snapshot();
        assertEquals(5, kept.size());
        assertEquals(8, history.accepted());
        assertEquals(4, window(kept.get(0)));
        assertEquals(8, window(kept.get(4)));
        assertThrows(IllegalArgumentException.class, () -> new MetricsHistory(0));
    }

    @Test
    void replayFeedsEveryRecordOfAFile(@TempDir Path dir) throws Exception {
        List<String> recorded = RecordedMetrics.lines();
        Path file = dir.resolve("metrics.jsonl");
        Files.write(file, recorded);
        MetricsHistory history = new MetricsHistory(1000);
        try (ReplayFeed feed = ReplayFeed.start(file, Duration.ZERO, history)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!feed.finished() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(feed.finished());
        }
        assertEquals(recorded.size(), history.snapshot().size());
        assertEquals(window(recorded.get(recorded.size() - 1)), window(history.snapshot().get(recorded.size() - 1)));
        assertThrows(IllegalArgumentException.class,
                () -> ReplayFeed.start(dir.resolve("absent.jsonl"), Duration.ZERO, history));
    }

    @Test
    void kafkaFeedReadsCommittedRecordsAndRefusesAMissingTopic() throws Exception {
        List<String> recorded = RecordedMetrics.lines();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            broker.createTopics("metrics");
            MetricsHistory history = new MetricsHistory(1000);
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> KafkaMetricsFeed.start(broker.bootstrapServers(), "no-such-topic", Map.of(), history));
            assertTrue(missing.getMessage().contains("'no-such-topic' does not exist"), missing.getMessage());
            RecordedMetrics.produce(broker.bootstrapServers(), "metrics", recorded.subList(0, 5));
            try (KafkaMetricsFeed feed = KafkaMetricsFeed.start(broker.bootstrapServers(), "metrics", Map.of(), history)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (history.accepted() < 5 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(5, history.accepted());
                assertEquals(5, feed.records());
            }
            try (Admin admin = broker.admin()) {
                assertFalse(admin.listTopics().names().get().contains("no-such-topic"), "reading must not create the topic");
            }
        }
    }

    private record Event(String name, String data) {}

    /** The next event of the stream, skipping comments (keep-alives) and the retry field. */
    private static Event next(BufferedReader in) throws Exception {
        String name = null;
        List<String> data = new ArrayList<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isEmpty()) {
                if (name != null) {
                    return new Event(name, String.join("\n", data));
                }
                continue;
            }
            if (line.startsWith("event: ")) {
                name = line.substring("event: ".length());
            } else if (line.startsWith("data: ")) {
                data.add(line.substring("data: ".length()));
            }
        }
        throw new AssertionError("the event stream ended");
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long window(String record) {
        try {
            JsonNode node = JSON.readTree(record);
            return node.path("window").asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
