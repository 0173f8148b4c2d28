package io.embedstream.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few calls of Flink's REST API the cluster test needs: a job's state and restarts, and cancelling it. */
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

    /** The job's numRestarts metric: how many times it failed over. */
    long restarts(String jobId) throws IOException, InterruptedException {
        JsonNode metrics = get("/jobs/" + jobId + "/metrics?get=numRestarts");
        for (JsonNode metric : metrics) {
            if (metric.get("id").asText().equals("numRestarts")) {
                return Long.parseLong(metric.get("value").asText());
            }
        }
        throw new IllegalStateException("no numRestarts metric for job " + jobId + ": " + metrics);
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
