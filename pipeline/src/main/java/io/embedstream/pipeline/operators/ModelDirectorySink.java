package io.embedstream.pipeline.operators;

import io.embedstream.connectors.model.ClassTable;
import io.embedstream.connectors.model.ManifestSigner;
import io.embedstream.connectors.model.ModelChunker;
import io.embedstream.connectors.model.ModelDirectory;
import io.embedstream.connectors.model.ModelManifest;
import io.embedstream.connectors.model.ModelManifestJson;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.operators.ManifestSigning;
import io.embedstream.pipeline.types.ModelSnapshot;
import java.io.IOException;
import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.legacy.RichSinkFunction;

/**
 * Writes each model version to {@code <dir>/v<version>/} ({@code manifest.json} + {@code parameters.bin}, and
 * {@code class_table.bin} for a version with classes: the
 * layout {@code ModelDirectoryReader} reads, and the promotion gate's {@code decision.json} when it judged the
 * version) on any Flink file system: a local path, {@code file://}, {@code s3://},
 * {@code hdfs://}... Each version is written into a temporary directory and renamed into place, so a reader never
 * sees half a version.
 *
 * <p>After a failure the trainer replays from its checkpoint and publishes the same version number again, possibly
 * with other parameters (the Kafka transaction of the first attempt was aborted). The directory then follows Kafka:
 * the rewrite replaces the earlier attempt.
 */
public final class ModelDirectorySink extends RichSinkFunction<ModelSnapshot> {
    private final TrainerConfig config;
    private final String directory;
    private final String signingKey;
    private transient ModelChunker chunker;
    private transient ManifestSigner signer;

    public ModelDirectorySink(TrainerConfig config, String directory) {
        this(config, directory, null);
    }

    /** @param signingKey Ed25519 private key file signing each manifest, as on the topic; null = unsigned */
    public ModelDirectorySink(TrainerConfig config, String directory, String signingKey) {
        this.config = config;
        this.directory = directory;
        this.signingKey = signingKey;
    }

    @Override
    public void open(OpenContext context) {
        chunker = ModelChunker.builder().build();
        signer = ManifestSigning.signer(signingKey);
    }

    @Override
    public void invoke(ModelSnapshot snapshot, Context context) throws IOException {
        ClassTable classTable = ModelRecordsFunction.classTable(config, snapshot);
        ModelManifest manifest = chunker.complete(ModelRecordsFunction.draftManifest(config, snapshot),
                snapshot.parameters, classTable, signer);
        Path root = new Path(directory);
        FileSystem fs = root.getFileSystem();
        fs.mkdirs(root);
        Path target = new Path(root, "v" + snapshot.version);
        Path temp = new Path(root, ".v" + snapshot.version + ".tmp-" + UUID.randomUUID());
        try {
            write(fs, new Path(temp, ModelDirectory.PARAMETERS_FILE), snapshot.parameters);
            if (classTable != null) {
                write(fs, new Path(temp, ModelDirectory.CLASS_TABLE_FILE), classTable.bytes());
            }
            write(fs, new Path(temp, ModelDirectory.MANIFEST_FILE), ModelManifestJson.toPrettyBytes(manifest));
            if (snapshot.decision != null) {
                // With the version, in the same rename: a candidate is never seen without its decision.
                write(fs, new Path(temp, ModelDirectory.DECISION_FILE),
                        GateDecisions.records(snapshot).get(0).toBytes());
            }
            if (fs.exists(target)) {
                Path previous = new Path(root, ".v" + snapshot.version + ".replaced-" + UUID.randomUUID());
                rename(fs, target, previous);
                rename(fs, temp, target);
                fs.delete(previous, true);
            } else {
                rename(fs, temp, target);
            }
        } finally {
            if (fs.exists(temp)) {
                fs.delete(temp, true);
            }
        }
    }

    private static void write(FileSystem fs, Path file, byte[] bytes) throws IOException {
        try (FSDataOutputStream out = fs.create(file, FileSystem.WriteMode.NO_OVERWRITE)) {
            out.write(bytes);
            out.sync();
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }
}
