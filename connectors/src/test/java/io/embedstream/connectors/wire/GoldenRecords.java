package io.embedstream.connectors.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Golden records of the job's JSON topics, one per line, under {@code /wire/} in the test resources: the metrics
 * ones are windows of a real demo run (as recorded with kcat), the audit ones follow the README's examples.
 */
public final class GoldenRecords {
    public static final String METRICS = "/wire/embedstream.metrics.golden.jsonl";
    public static final String METRICS_SCHEMA = "/wire/embedstream.metrics.schema.json";
    public static final String AUDIT = "/wire/embedstream.audit.golden.jsonl";
    public static final String AUDIT_SCHEMA = "/wire/embedstream.audit.schema.json";

    private GoldenRecords() {
    }

    public static List<String> lines(String resource) {
        try (InputStream in = GoldenRecords.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
