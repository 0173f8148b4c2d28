package io.embedstream.pipeline.operators;

import io.embedstream.connectors.model.ModelChunker;
import io.embedstream.connectors.model.ModelDirectoryWriter;
import io.embedstream.connectors.model.PublishedModel;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.types.ModelSnapshot;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.sink.legacy.RichSinkFunction;

/**
 * Writes each model version to {@code <dir>/v<version>/} (manifest.json + parameters). Each version is written
 * to a temporary directory and renamed, so a reader never sees half a version; rewriting a version after a
 * restart replaces it whole.
 */
public final class ModelDirectorySink extends RichSinkFunction<ModelSnapshot> {
    private final TrainerConfig config;
    private final String directory;
    private transient ModelDirectoryWriter writer;
    private transient ModelChunker chunker;

    public ModelDirectorySink(TrainerConfig config, String directory) {
        this.config = config;
        this.directory = directory;
    }

    @Override
    public void open(OpenContext context) {
        writer = new ModelDirectoryWriter(Path.of(directory.startsWith("file://") ? directory.substring(7) : directory));
        chunker = ModelChunker.builder().build();
    }

    @Override
    public void invoke(ModelSnapshot snapshot, Context context) {
        var manifest = chunker.chunk(ModelRecordsFunction.draftManifest(config, snapshot), snapshot.parameters).manifest();
        writer.write(new PublishedModel(manifest, snapshot.parameters));
    }
}
