package io.embedstream.pipeline.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.connectors.wire.GoldenRecords;
import io.embedstream.connectors.wire.JsonSchemaCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The page reads only keys that the metrics topic's schema names, so that a key renamed on either side shows up
 * here and not as an empty chart. The scan relies on the script's names for what it reads: {@code r} a record,
 * {@code m} its {@code metrics}, {@code vd} its {@code version_drift}, {@code a} an element of {@code alarms}.
 */
class DashboardScriptKeysTest {
    private static final String SCRIPT = "/io/embedstream/pipeline/dashboard/dashboard.js";
    private static final JsonSchemaCheck SCHEMA = JsonSchemaCheck.load(GoldenRecords.METRICS_SCHEMA);

    /** Where a key read by the script lives: the object's path from the record, and the key. */
    record KeyRead(List<String> path, String key) {
        @Override
        public String toString() {
            return String.join("/", path) + (path.isEmpty() ? "" : "/") + key;
        }
    }

    @Test
    void everyKeyThePageReadsIsNamedByTheSchema() throws IOException {
        List<KeyRead> reads = keysRead(script());
        // A scan that finds nothing proves nothing: each kind of read must be there.
        for (List<String> path : List.of(List.<String>of(), List.of("quality"), List.of("metrics"),
                List.of("version_drift"), List.of("alarms", "[]"))) {
            assertTrue(reads.stream().anyMatch(r -> r.path().equals(path)), "no read of " + path + " found in " + reads);
        }
        Set<String> unknown = new TreeSet<>();
        for (KeyRead read : reads) {
            if (!SCHEMA.namesKey(read.path(), read.key())) {
                unknown.add(read.toString());
            }
        }
        assertEquals(Set.of(), unknown, "dashboard.js reads keys the metrics schema does not have");
    }

    @Test
    void theScanFindsAMisspelledKeyInEachPlace() {
        String script = "const v = r.model_versoin; num(c.m['collapse.effective_rnak']); c.vd['version.ckaa'];"
                + " m['collapse.spectrums.' + i]; r.quality.avg; a.kinds; vd.to_versoin;";
        Set<String> unnamed = new TreeSet<>();
        for (KeyRead read : keysRead(script)) {
            if (!SCHEMA.namesKey(read.path(), read.key())) {
                unnamed.add(read.toString());
            }
        }
        assertEquals(Set.of("model_versoin", "metrics/collapse.effective_rnak", "version_drift/version.ckaa",
                "metrics/collapse.spectrums.0", "quality/avg", "alarms/[]/kinds", "version_drift/to_versoin"), unnamed);
    }

    static List<KeyRead> keysRead(String script) {
        List<KeyRead> reads = new ArrayList<>();
        // r.key and r.key.key (r.quality.mean, r.version_drift.to_version)
        Matcher record = Pattern.compile("\\br\\.([a-z_0-9]+)(?:\\.([a-z_0-9]+))?").matcher(script);
        while (record.find()) {
            reads.add(new KeyRead(List.of(), record.group(1)));
            if (record.group(2) != null) {
                reads.add(new KeyRead(List.of(record.group(1)), record.group(2)));
            }
        }
        // m['name'], and m['prefix.' + i] read as its first name, prefix.0
        Matcher metric = Pattern.compile("\\bm\\[\\s*'([^']+)'\\s*(\\+[^\\]]*)?\\]").matcher(script);
        while (metric.find()) {
            reads.add(new KeyRead(List.of("metrics"), metric.group(1) + (metric.group(2) != null ? "0" : "")));
        }
        Matcher drift = Pattern.compile("\\bvd(?:\\[\\s*'([^']+)'\\s*\\]|\\.([a-z_0-9]+))").matcher(script);
        while (drift.find()) {
            reads.add(new KeyRead(List.of("version_drift"), drift.group(1) != null ? drift.group(1) : drift.group(2)));
        }
        Matcher alarm = Pattern.compile("\\ba\\.([a-z_0-9]+)").matcher(script);
        while (alarm.find()) {
            reads.add(new KeyRead(List.of("alarms", "[]"), alarm.group(1)));
        }
        return reads;
    }

    private static String script() throws IOException {
        try (InputStream in = DashboardScriptKeysTest.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SCRIPT + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
