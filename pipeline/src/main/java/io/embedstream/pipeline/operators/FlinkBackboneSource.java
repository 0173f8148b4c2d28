package io.embedstream.pipeline.operators;

import io.embedstream.model.net.BackboneSource;
import java.io.IOException;
import java.io.InputStream;
import org.apache.flink.core.fs.Path;

/**
 * Reads a TorchScript backbone from any Flink file system ({@code file://}, {@code s3://}, {@code hdfs://}...; a plain
 * path is a local file), where the operator that loads it runs.
 */
public final class FlinkBackboneSource implements BackboneSource {
    private static final long serialVersionUID = 1L;

    @Override
    public byte[] read(String location) throws IOException {
        Path path = new Path(location);
        try (InputStream in = path.getFileSystem().open(path)) {
            return in.readAllBytes();
        }
    }
}
