package io.embedstream.pipeline.types;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** A ready-made Kafka record (key, value, headers) travelling to a sink (Flink POJO). */
public class KafkaBytesRecord {
    public String topic;
    public byte[] key;
    public byte[] value;
    public String[] headerNames;
    public byte[][] headerValues;

    public KafkaBytesRecord() {}

    public static KafkaBytesRecord of(ProducerRecord<byte[], byte[]> record) {
        KafkaBytesRecord r = new KafkaBytesRecord();
        r.topic = record.topic();
        r.key = record.key();
        r.value = record.value();
        List<String> names = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (Header h : record.headers()) {
            names.add(h.key());
            values.add(h.value());
        }
        r.headerNames = names.toArray(new String[0]);
        r.headerValues = values.toArray(new byte[0][]);
        return r;
    }

    public ProducerRecord<byte[], byte[]> toProducerRecord() {
        List<Header> headers = new ArrayList<>();
        for (int i = 0; i < headerNames.length; i++) {
            headers.add(new RecordHeader(headerNames[i], headerValues[i]));
        }
        return new ProducerRecord<>(topic, null, null, key, value, headers);
    }
}
