package io.embedstream.pipeline.operators;

import io.embedstream.pipeline.types.RawImageRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Keeps each input record as it is: nothing here can fail, so a bad record reaches the decode operator, which
 * sends it to the dead-letter topic instead of failing the source.
 */
public final class RawImageDeserializer implements KafkaRecordDeserializationSchema<RawImageRecord> {

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawImageRecord> out) {
        RawImageRecord raw = new RawImageRecord();
        raw.key = record.key();
        raw.value = record.value();
        List<String> names = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (Header header : record.headers()) {
            names.add(header.key());
            values.add(header.value() == null ? new byte[0] : header.value());
        }
        raw.headerNames = names.toArray(new String[0]);
        raw.headerValues = values.toArray(new byte[0][]);
        raw.topic = record.topic();
        raw.partition = record.partition();
        raw.offset = record.offset();
        out.collect(raw);
    }

    @Override
    public TypeInformation<RawImageRecord> getProducedType() {
        return TypeInformation.of(RawImageRecord.class);
    }
}
