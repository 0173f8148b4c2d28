package io.embedstream.pipeline.operators;

import io.embedstream.connectors.wire.AuditRecord;
import io.embedstream.pipeline.types.AuditEntry;
import io.embedstream.pipeline.types.KafkaBytesRecord;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * One record of the audit topic per {@link AuditEntry}, in its wire form {@link AuditRecord}: key
 * {@code <kind>-<step>}, value one line of JSON. Written through the job's
 * transactional sink, so a read-committed consumer sees each step's entry once, after the checkpoint that covers
 * the step. With {@code classes.names} each record also lists the class name of each id.
 */
public final class AuditRecordsFunction implements MapFunction<AuditEntry, KafkaBytesRecord> {
    private final String topic;
    private final boolean classNames;

    public AuditRecordsFunction(String topic) {
        this(topic, false);
    }

    /** @param classNames write each id's class name ({@code classes.names}); off, records are as before names */
    public AuditRecordsFunction(String topic, boolean classNames) {
        this.topic = topic;
        this.classNames = classNames;
    }

    @Override
    public KafkaBytesRecord map(AuditEntry entry) throws Exception {
        AuditRecord audit = new AuditRecord(entry.kind, entry.step, entry.applied, List.of(entry.ids),
                classNames && entry.labels != null ? List.of(entry.labels) : List.of());
        KafkaBytesRecord record = new KafkaBytesRecord();
        record.topic = topic;
        record.key = audit.key();
        record.value = audit.toJson();
        record.headerNames = new String[0];
        record.headerValues = new byte[0][];
        return record;
    }
}
