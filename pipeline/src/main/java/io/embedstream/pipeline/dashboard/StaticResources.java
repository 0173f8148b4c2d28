package io.embedstream.pipeline.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The page, its script and style, and the charting library, from the classpath. Only these fixed paths are served
 * (nothing is looked up from the request path, so there is nothing to traverse). Chart.js comes from its WebJar,
 * whose version is read from the WebJar's own Maven metadata, so that the pom is the only place that names it.
 */
final class StaticResources implements HttpHandler {
    static final String CHART_JS_PATH = "/lib/chart.umd.min.js";
    private static final String PAGE_DIR = "io/embedstream/pipeline/dashboard/";

    private record Resource(byte[] bytes, String contentType) {}

    private final Map<String, Resource> resources;

    StaticResources() {
        Resource page = load(PAGE_DIR + "index.html", "text/html; charset=utf-8");
        resources = Map.of(
                "/", page,
                "/index.html", page,
                "/dashboard.js", load(PAGE_DIR + "dashboard.js", "text/javascript; charset=utf-8"),
                "/dashboard.css", load(PAGE_DIR + "dashboard.css", "text/css; charset=utf-8"),
                CHART_JS_PATH, load("META-INF/resources/webjars/chart.js/" + chartJsVersion() + "/dist/chart.umd.min.js",
                        "text/javascript; charset=utf-8"));
    }

    /** The version of the Chart.js WebJar on the classpath. */
    static String chartJsVersion() {
        String metadata = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
        try (InputStream in = StaticResources.class.getClassLoader().getResourceAsStream(metadata)) {
            if (in == null) {
                throw new IllegalStateException("the Chart.js WebJar (org.webjars.npm:chart.js) is not on the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metadata, e);
        }
    }

    private static Resource load(String name, String contentType) {
        try (InputStream in = StaticResources.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource " + name + " is missing from the classpath");
            }
            return new Resource(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard resource " + name, e);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Resource r = resources.get(exchange.getRequestURI().getPath());
            if (r == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", r.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            if ("HEAD".equals(method)) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, r.bytes().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(r.bytes());
            }
        }
    }
}
