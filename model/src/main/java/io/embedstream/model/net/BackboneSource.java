package io.embedstream.model.net;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the bytes of a TorchScript backbone file from its location ({@link NetworkConfig#backbone()}). The model
 * module reads local paths; the pipeline supplies one that reads any Flink file system.
 */
@FunctionalInterface
public interface BackboneSource extends Serializable {

    byte[] read(String location) throws IOException;

    /** Local files: the location is a path. */
    static BackboneSource localFiles() {
        return location -> Files.readAllBytes(Path.of(location));
    }
}
