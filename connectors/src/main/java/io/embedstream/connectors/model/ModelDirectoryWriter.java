package io.embedstream.connectors.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes published models into a local {@link ModelDirectory}, atomically: the version is written into a hidden
 * temporary directory next to its final place, synced, and renamed. Readers never see a half-written version.
 *
 * <p>Versions are immutable: writing a version that already exists with the same SHA-256 is a no-op, with a
 * different one it fails.
 */
public final class ModelDirectoryWriter {

    private final Path root;

    public ModelDirectoryWriter(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /**
     * Writes {@code model} as {@code root/v<version>} (its class table too, when it has one); creates {@code root}
     * if needed.
     *
     * @return the version directory
     * @throws UncheckedIOException on I/O failure (the temporary directory is removed)
     * @throws ModelFormatException if the version exists with different parameters
     */
    public Path write(PublishedModel model) {
        long version = model.version();
        Path target = ModelDirectory.versionDir(root, version);
        try {
            Files.createDirectories(root);
            if (Files.isDirectory(target)) {
                return sameOrFail(model, target);
            }
            Path temp = Files.createTempDirectory(root, ".v" + version + ".tmp-");
            try {
                writeSynced(temp.resolve(ModelDirectory.PARAMETERS_FILE), model.parameters());
                if (model.classTable() != null) {
                    writeSynced(temp.resolve(ModelDirectory.CLASS_TABLE_FILE), model.classTable().bytes());
                }
                writeSynced(temp.resolve(ModelDirectory.MANIFEST_FILE), ModelManifestJson.toPrettyBytes(model.manifest()));
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("file system of " + root + " cannot rename atomically", e);
                }
            } catch (FileAlreadyExistsException e) {
                // Another writer won the race for this version: fine if it wrote the same model.
                deleteTree(temp);
                return sameOrFail(model, target);
            } catch (IOException | RuntimeException e) {
                deleteTree(temp);
                throw e;
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model version " + version + " to " + target, e);
        }
    }

    private static Path sameOrFail(PublishedModel model, Path target) {
        PublishedModel existing = new ModelDirectoryReader(target.getParent()).read(model.version());
        if (!existing.manifest().parameterSha256().equals(model.manifest().parameterSha256())) {
            throw new ModelFormatException("model version " + model.version() + " already exists in " + target
                    + " with different parameters (sha256 " + existing.manifest().parameterSha256() + ")");
        }
        return target;
    }

    private static void writeSynced(Path file, byte[] bytes) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            var buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort cleanup of our own temporary directory.
                }
            });
        } catch (IOException ignored) {
            // Nothing more to do: the temporary name is hidden and never read as a version.
        }
    }
}
