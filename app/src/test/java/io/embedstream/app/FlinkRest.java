package io.embedstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The few calls of Flink's REST API the cluster test needs: a job's state, failures and tasks; cancelling it. */
final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FlinkRest(String base) {
        this.base = base;
    }

    /** RUNNING, RESTARTING, FAILED, ... */
    String state(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).get("state").asText();
    }

    /**
     * The failures the job recovered from, oldest first, as "exception on location" lines: the scheduler's exception
     * history (the numRestarts metric is served from a cache refreshed every 10 s, so it can lag behind).
     */
    List<String> failures(String jobId) throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        for (JsonNode entry : get("/jobs/" + jobId + "/exceptions?maxExceptions=100").get("exceptionHistory")
                .get("entries")) {
            JsonNode location = entry.get("taskManagerId");
            failures.add(0, entry.get("exceptionName").asText() + " on "
                    + (location == null || location.isNull() ? "?" : location.asText()));
        }
        return failures;
    }

    /** The resource ids of the TaskManagers that run tasks of the job now. */
    java.util.Set<String> taskManagersRunning(String jobId) throws IOException, InterruptedException {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (JsonNode vertex : get("/jobs/" + jobId).get("vertices")) {
            for (JsonNode tm : get("/jobs/" + jobId + "/vertices/" + vertex.get("id").asText() + "/taskmanagers")
                    .get("taskmanagers")) {
                if (tm.get("status-counts").get("RUNNING").asInt() > 0) {
                    ids.add(tm.get("taskmanager-id").asText());
                }
            }
        }
        return ids;
    }

    void cancel(String jobId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("cancel " + jobId + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
