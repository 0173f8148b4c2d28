package io.embedstream.pipeline.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code /events} endpoint: a server-sent event stream per browser. Each connection gets {@code reset} (the
 * page clears its charts, so an automatic reconnect does not double the data), every record of the history as a
 * {@code window} event, {@code synced}, and then each new record as a {@code window} event as it arrives; a comment
 * line every heartbeat keeps proxies and the browser from timing the connection out.
 *
 * <p>Each connection has its own bounded queue, filled by the history under its lock and drained by the connection's
 * own thread, so a slow browser never holds up the feed or the others: when its queue overflows it is disconnected
 * and its EventSource reconnects and starts over from the history.
 */
final class SseBroadcaster implements HttpHandler, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Wakes a connection's thread to end it; compared by identity. */
    private static final String END = new String("end");

    private final MetricsHistory history;
    private final String source;
    private final Duration heartbeat;
    private final int queueCapacity;
    private final int maxClients;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    SseBroadcaster(MetricsHistory history, String source, Duration heartbeat, int queueCapacity, int maxClients) {
        this.history = history;
        this.source = source;
        this.heartbeat = heartbeat;
        this.queueCapacity = queueCapacity;
        this.maxClients = maxClients;
    }

    int clients() {
        return clients.size();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (closed || clients.size() >= maxClients) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            Client client = new Client(new LinkedBlockingQueue<>(queueCapacity));
            clients.add(client);
            List<String> past = history.subscribe(client);
            try {
                stream(exchange.getResponseBody(), client, past);
            } catch (IOException e) {
                // The browser went away: nothing to report, the connection just ends.
            } finally {
                history.unsubscribe(client);
                clients.remove(client);
            }
        }
    }

    private void stream(OutputStream out, Client client, List<String> past) throws IOException {
        write(out, "retry: 2000\n\n");
        ObjectNode reset = JSON.createObjectNode();
        reset.put("records", past.size());
        reset.put("source", source);
        event(out, "reset", reset.toString());
        for (String record : past) {
            event(out, "window", record);
        }
        event(out, "synced", "{\"records\":" + past.size() + "}");
        out.flush();
        while (!closed) {
            String next;
            try {
                next = client.queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (next == END) {
                return;
            }
            if (next == null) {
                write(out, ": keep-alive\n\n");
            } else {
                event(out, "window", next);
                // Records that came in together go out in one flush.
                for (String more = client.queue.poll(); more != null; more = client.queue.poll()) {
                    if (more == END) {
                        out.flush();
                        return;
                    }
                    event(out, "window", more);
                }
            }
            out.flush();
        }
    }

    private static void event(OutputStream out, String name, String oneLineData) throws IOException {
        write(out, "event: " + name + "\ndata: " + oneLineData + "\n\n");
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Ends every open stream; their threads return and the browsers see the connection close. */
    @Override
    public void close() {
        closed = true;
        for (Client client : clients) {
            client.end();
        }
    }

    /** One browser connection's queue of records still to send. */
    private static final class Client implements Consumer<String> {
        final BlockingQueue<String> queue;

        Client(BlockingQueue<String> queue) {
            this.queue = queue;
        }

        @Override
        public void accept(String record) {
            if (!queue.offer(record)) {
                // Too far behind: start it over (the browser reconnects and gets the history) rather than
                // buffer without bound or block the feed.
                end();
            }
        }

        void end() {
            queue.clear();
            queue.offer(END);
        }
    }
}
