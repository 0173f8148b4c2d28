package io.embedstream.pipeline.dashboard;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The metrics dashboard: a web page with live charts of the metrics window records in a {@link MetricsHistory}, on the
 * JDK's HTTP server. {@code /} is the page, {@code /events} the server-sent event stream that pushes the history and
 * then each new record ({@link SseBroadcaster}). Whatever fills the history (a {@link KafkaMetricsFeed}, a
 * {@link ReplayFeed}) is independent of the server.
 *
 * <pre>{@code
 * MetricsHistory history = new MetricsHistory(20_000);
 * try (DashboardServer server = DashboardServer.builder().history(history).port(0).build().start();
 *      KafkaMetricsFeed feed = KafkaMetricsFeed.start(bootstrap, "embedstream.metrics", Map.of(), history)) {
 *     System.out.println("dashboard at " + server.url());
 * }
 * }</pre>
 */
public final class DashboardServer implements AutoCloseable {
    private final Builder settings;
    private SseBroadcaster events;
    private HttpServer server;
    private ExecutorService threads;

    private DashboardServer(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts listening.
     *
     * @throws IOException when the address cannot be bound (e.g. the port is taken), with the address in the message
     */
    public synchronized DashboardServer start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("dashboard already started");
        }
        StaticResources resources = new StaticResources();
        events = new SseBroadcaster(settings.history, settings.source, settings.heartbeat, settings.queueCapacity,
                settings.maxClients);
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(settings.host, settings.port), 0);
        } catch (IOException e) {
            throw new IOException("cannot serve the dashboard on " + settings.host + ":" + settings.port + ": "
                    + e.getMessage(), e);
        }
        // One thread per open event stream (they block between records), plus the page requests.
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dashboard-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(threads);
        http.createContext("/events", events);
        http.createContext("/", resources);
        http.start();
        server = http;
        return this;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8090/}. */
    public String url() {
        String host = settings.host.contains(":") ? "[" + settings.host + "]" : settings.host;
        if ("0.0.0.0".equals(host) || "[::]".equals(host)) {
            host = "localhost";
        }
        return "http://" + host + ":" + port() + "/";
    }

    /** Browsers connected to the event stream now. */
    public int connectedBrowsers() {
        return events == null ? 0 : events.clients();
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        events.close();
        server.stop(0);
        threads.shutdownNow();
        server = null;
    }

    /** Settings; {@link #history} is required. */
    public static final class Builder {
        private MetricsHistory history;
        private String host = "127.0.0.1";
        private int port = 8090;
        private String source = "";
        private Duration heartbeat = Duration.ofSeconds(15);
        private int queueCapacity = 10_000;
        private int maxClients = 32;

        private Builder() {}

        /** Where the records come from. */
        public Builder history(MetricsHistory history) {
            this.history = Objects.requireNonNull(history, "history");
            return this;
        }

        /** Interface to listen on; default 127.0.0.1 (this machine only). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port; 0 picks a free one; default 8090. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
            }
            this.port = port;
            return this;
        }

        /** A line that tells the reader where the data comes from, shown on the page. */
        public Builder source(String source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Interval of keep-alive comments on an idle event stream; default 15 s. */
        public Builder heartbeat(Duration heartbeat) {
            if (heartbeat.isNegative() || heartbeat.isZero()) {
                throw new IllegalArgumentException("heartbeat must be positive");
            }
            this.heartbeat = heartbeat;
            return this;
        }

        /** Records one browser may fall behind before it is disconnected (it then reconnects); default 10,000. */
        public Builder queueCapacity(int records) {
            if (records < 1) {
                throw new IllegalArgumentException("queue capacity must be at least 1");
            }
            this.queueCapacity = records;
            return this;
        }

        /** Browsers served at once (each holds a thread); default 32. */
        public Builder maxClients(int clients) {
            if (clients < 1) {
                throw new IllegalArgumentException("max clients must be at least 1");
            }
            this.maxClients = clients;
            return this;
        }

        public DashboardServer build() {
            if (history == null) {
                throw new IllegalStateException("a dashboard needs a MetricsHistory");
            }
            return new DashboardServer(this);
        }
    }
}
