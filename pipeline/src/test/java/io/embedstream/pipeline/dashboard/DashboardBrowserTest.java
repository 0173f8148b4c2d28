package io.embedstream.pipeline.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.broker.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real browser (headless Chromium through chromedriver), fed by a real broker: recorded metrics
 * records go into the topic, the dashboard follows it, and the page's Chart.js charts must hold exactly the points
 * those records define, first from the history, then from records published after the page loaded (pushed, without
 * a reload).
 */
class DashboardBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "embedstream.metrics";
    private static final Path CHROMIUM = Path.of(Objects.requireNonNullElse(System.getenv("EMBEDSTREAM_CHROMIUM"),
            "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(Objects.requireNonNullElse(System.getenv("EMBEDSTREAM_CHROMEDRIVER"),
            "/usr/bin/chromedriver"));

    /** Selenium warns that it has no CDP bindings for this Chromium version; the test needs none. */
    private static final java.util.logging.Logger SELENIUM_LOG = quiet("org.openqa.selenium");

    @TempDir
    Path profile;

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }

    @Test
    void chartsShowTheTopicsHistoryAndThenNewWindowsPushedLive() throws Exception {
        requireBrowser();
        List<String> recorded = RecordedMetrics.lines();
        int early = recorded.size() / 2;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            broker.createTopics(TOPIC);
            RecordedMetrics.produce(broker.bootstrapServers(), TOPIC, recorded.subList(0, early));
            MetricsHistory history = new MetricsHistory(1000);
            try (KafkaMetricsFeed feed = KafkaMetricsFeed.start(broker.bootstrapServers(), TOPIC, Map.of(), history);
                 DashboardServer server = DashboardServer.builder().history(history).port(0)
                         .source("topic " + TOPIC + " on " + broker.bootstrapServers()).build().start()) {
                await("the feed to read the first records", () -> history.accepted() == early);
                ChromeDriver browser = startBrowser();
                try {
                    browser.get(server.url());
                    await("the page to receive the history",
                            () -> Boolean.TRUE.equals(js(browser, "return window.dashboard && dashboard.state.synced")));
                    assertEquals((long) early, js(browser, "return dashboard.state.records"));
                    assertChartsMatch(browser, recorded.subList(0, early));

                    js(browser, "window.loadedOnce = 'still the same page'");
                    RecordedMetrics.produce(broker.bootstrapServers(), TOPIC, recorded.subList(early, recorded.size()));
                    await("the new windows to be pushed to the page",
                            () -> Long.valueOf(recorded.size()).equals(js(browser, "return dashboard.state.records")));
                    assertEquals("still the same page", js(browser, "return window.loadedOnce"), "the page reloaded");
                    assertChartsMatch(browser, recorded);
                    assertEquals("live", js(browser, "return document.getElementById('connection').textContent"));

                    saveScreenshot(browser, Path.of("target", "dashboard.png"));
                } finally {
                    browser.quit();
                }
            }
        }
    }

    /** Every chart holds the points that the records define, and Chart.js laid out an element for each. */
    private static void assertChartsMatch(ChromeDriver browser, List<String> records) throws Exception {
        List<JsonNode> nodes = records.stream().map(DashboardBrowserTest::parse).toList();
        JsonNode last = nodes.get(nodes.size() - 1);

        assertSeries(browser, "loss", "total", count(nodes, r -> r.path("loss").has("total")),
                last.path("loss").path("total").asDouble());
        assertSeries(browser, "loss", "cm", count(nodes, r -> r.path("loss").has("cm")),
                last.path("loss").path("cm").asDouble());
        assertSeries(browser, "collapse", "effective rank", metricCount(nodes, "collapse.effective_rank"),
                last.path("metrics").path("collapse.effective_rank").asDouble());
        assertSeries(browser, "collapse", "coding rate", metricCount(nodes, "collapse.coding_rate"),
                last.path("metrics").path("collapse.coding_rate").asDouble());
        assertSeries(browser, "norm-quality", "Spearman(norm, quality)", metricCount(nodes, "norms.quality_spearman"),
                last.path("metrics").path("norms.quality_spearman").asDouble());
        assertSeries(browser, "separation", "NC1", metricCount(nodes, "separation.nc1"),
                last.path("metrics").path("separation.nc1").asDouble());
        assertSeries(browser, "separation", "min centroid cosine distance",
                metricCount(nodes, "separation.min_centroid_cosine_distance"), null);
        int drifts = metricCount(nodes, "drift.p_value");
        assertTrue(drifts > 0 && drifts < nodes.size(), "the recording has windows with and without data drift");
        assertSeries(browser, "data-drift", "p-value", drifts, null);
        assertSeries(browser, "data-drift", "MMD²", metricCount(nodes, "drift.mmd2"), null);
        assertSeries(browser, "versions", "model version", nodes.size(), last.path("model_version").asDouble());

        // Version drift: one point per comparison of two versions, not one per window that repeats it.
        int comparisons = 0;
        long previousTo = -1;
        for (JsonNode r : nodes) {
            JsonNode vd = r.path("version_drift");
            if (vd.has("to_version") && vd.path("to_version").asLong() != previousTo) {
                previousTo = vd.path("to_version").asLong();
                comparisons++;
            }
        }
        assertTrue(comparisons >= 1, "the recording has model-version drift");
        assertSeries(browser, "version-drift", "linear CKA", comparisons, null);

        List<JsonNode> spectra = nodes.stream().filter(r -> r.path("metrics").has("collapse.spectrum.0")).toList();
        int size = 0;
        while (spectra.get(spectra.size() - 1).path("metrics").has("collapse.spectrum." + size)) {
            size++;
        }
        assertSeries(browser, "spectrum", "latest window", size,
                spectra.get(spectra.size() - 1).path("metrics").path("collapse.spectrum." + (size - 1)).asDouble());
        assertSeries(browser, "spectrum", "first window", size,
                spectra.get(0).path("metrics").path("collapse.spectrum." + (size - 1)).asDouble());

        long raised = 0;
        long events = 0;
        String lastReason = null;
        for (JsonNode r : nodes) {
            for (JsonNode a : r.path("alarms")) {
                events++;
                raised += "RAISED".equals(a.path("state").asText()) ? 1 : 0;
                lastReason = a.path("reason").asText();
            }
        }
        assertTrue(raised > 0, "the recording has an alarm");
        assertSeries(browser, "alarms", "raised", (int) raised, null);
        assertSeries(browser, "alarms", "cleared", (int) (events - raised), null);
        assertEquals(events, js(browser, "return document.querySelectorAll('#alarm-events tbody tr').length"));
        assertEquals(lastReason, js(browser, "return document.querySelector('#alarm-events tbody tr td:last-child').textContent"));

        assertEquals(Long.toString(last.path("step").asLong()), js(browser, "return document.getElementById('step').textContent"));
    }

    @SuppressWarnings("unchecked")
    private static void assertSeries(ChromeDriver browser, String chart, String label, int points, Double lastY) {
        List<Object> s = (List<Object>) js(browser, """
                const chart = Chart.getChart(arguments[0]);
                if (!chart) return null;
                const i = chart.data.datasets.findIndex(d => d.label === arguments[1]);
                if (i < 0) return null;
                const data = chart.data.datasets[i].data;
                const last = data.length ? data[data.length - 1] : null;
                return [data.length, chart.getDatasetMeta(i).data.length,
                        last === null ? null : (typeof last === 'number' ? last : last.y)];
                """, chart, label);
        assertNotNull(s, "chart " + chart + " has no dataset '" + label + "'");
        assertEquals((long) points, ((Number) s.get(0)).longValue(), chart + " / " + label + ": data points");
        assertEquals((long) points, ((Number) s.get(1)).longValue(), chart + " / " + label + ": elements laid out");
        if (lastY != null) {
            assertEquals(lastY, ((Number) s.get(2)).doubleValue(), Math.abs(lastY) * 1e-12,
                    chart + " / " + label + ": last value");
        }
    }

    private static int metricCount(List<JsonNode> nodes, String metric) {
        return count(nodes, r -> r.path("metrics").has(metric));
    }

    private static int count(List<JsonNode> nodes, java.util.function.Predicate<JsonNode> p) {
        return (int) nodes.stream().filter(p).count();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException("recorded metrics line is not JSON: " + e.getMessage(), e);
        }
    }

    private static Object js(ChromeDriver browser, String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    /** The whole page, at 1400 CSS pixels wide: the viewport is made as tall as the page first. */
    private static void saveScreenshot(ChromeDriver browser, Path file) throws Exception {
        long height = ((Number) js(browser, "return document.documentElement.scrollHeight")).longValue();
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 1400,
                "height", (int) Math.min(height, 5000), "deviceScaleFactor", 1, "mobile", false));
        Thread.sleep(500); // the charts resize on the next frame
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    }

    /** Fails with a clear message when the browser is required (CI), skips otherwise. */
    private static void requireBrowser() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        String message = "Chromium (" + CHROMIUM + ") or chromedriver (" + CHROMEDRIVER + ") is not installed;"
                + " apt-get install -y chromium chromium-driver";
        if ("1".equals(System.getenv("EMBEDSTREAM_REQUIRE_BROWSER"))) {
            fail(message + " (EMBEDSTREAM_REQUIRE_BROWSER=1 requires the browser test)");
        }
        assumeTrue(false, message + "; the browser test is skipped");
    }

    private ChromeDriver startBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // The machine may have no network: without these flags Chromium waits on connections it cannot make.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1400,1200");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return driver;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 60 s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
