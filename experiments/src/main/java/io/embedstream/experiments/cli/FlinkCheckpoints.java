package io.embedstream.experiments.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The latest completed checkpoint of a job, from the REST API of the MiniCluster that runs it. */
final class FlinkCheckpoints {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String base;

    FlinkCheckpoints(int restPort) {
        this.base = "http://localhost:" + restPort;
    }

    /**
     * @param id              the checkpoint's number
     * @param triggerMillis   when it was triggered
     * @param stateBytes      the full size of the state it holds (for an incremental RocksDB checkpoint, including
     *                        the files it shares with earlier ones)
     * @param checkpointedBytes what this checkpoint itself wrote
     */
    record Completed(long id, long triggerMillis, long stateBytes, long checkpointedBytes) {}

    /** The latest completed checkpoint, or empty before the first. */
    Optional<Completed> latest(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId
                + "/checkpoints")).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Flink REST answered " + response.statusCode() + " for the checkpoints of job "
                    + jobId + ": " + response.body());
        }
        JsonNode completed = json.readTree(response.body()).path("latest").path("completed");
        if (completed.isMissingNode() || completed.isNull()) {
            return Optional.empty();
        }
        return Optional.of(new Completed(completed.path("id").asLong(), completed.path("trigger_timestamp").asLong(),
                completed.path("state_size").asLong(), completed.path("checkpointed_size").asLong()));
    }
}
