package io.embedstream.connectors.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads models from a local {@link ModelDirectory}, verifying size and SHA-256 of the parameters (and of the class
 * table, when the manifest has one) against the manifest, and optionally the manifest's signature ({@link ManifestVerifier}). Temporary directories of unfinished writes are ignored.
 */
public final class ModelDirectoryReader {

    private static final Pattern VERSION_DIR = Pattern.compile("v([0-9]{1,18})");

    private final Path root;
    private final ManifestVerifier verifier;

    /** A reader that does not check signatures. */
    public ModelDirectoryReader(Path root) {
        this(root, ManifestVerifier.none());
    }

    /** A reader that also refuses manifests whose signature {@code verifier} does not accept. */
    public ModelDirectoryReader(Path root, ManifestVerifier verifier) {
        this.root = Objects.requireNonNull(root, "root");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /** The directory read. */
    public Path root() {
        return root;
    }

    /** Versions present, ascending; empty if the root does not exist. */
    public List<Long> versions() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(Files::isDirectory)
                    .map(p -> VERSION_DIR.matcher(p.getFileName().toString()))
                    .filter(java.util.regex.Matcher::matches)
                    .map(m -> Long.parseLong(m.group(1)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list model directory " + root, e);
        }
    }

    /** The highest version, if any. */
    public Optional<PublishedModel> latest() {
        List<Long> versions = versions();
        return versions.isEmpty() ? Optional.empty() : Optional.of(read(versions.get(versions.size() - 1)));
    }

    /**
     * The newest version a directory subscriber serves by default ({@link #promoted}), if any: the highest version
     * the gate promoted, or one written before the gate. Rollbacks travel on the models topic only, so a directory
     * alone cannot undo a promotion.
     */
    public Optional<PublishedModel> newestPromoted() {
        List<Long> versions = versions();
        for (int i = versions.size() - 1; i >= 0; i--) {
            Optional<PromotionRecord> decision = decision(versions.get(i));
            if (decision.isPresent() && decision.get().kind() != PromotionRecord.Kind.PROMOTE) {
                continue; // rejected: its parameters are not read and hashed for nothing
            }
            PublishedModel model = read(versions.get(i));
            if (promoted(model)) {
                return Optional.of(model);
            }
        }
        return Optional.empty();
    }

    /**
     * Reads and verifies one version.
     *
     * @throws ModelFormatException if files are missing, the manifest is invalid or refused by the verifier, or the
     *                              parameters do not match it
     * @throws UncheckedIOException on other I/O failures
     */
    public PublishedModel read(long version) {
        Path dir = ModelDirectory.versionDir(root, version);
        try {
            byte[] json = Files.readAllBytes(dir.resolve(ModelDirectory.MANIFEST_FILE));
            ModelManifest manifest = ModelManifestJson.fromBytes(json);
            if (manifest.version() != version) {
                throw new ModelFormatException(dir + " holds a manifest for version " + manifest.version());
            }
            Optional<String> refusal = verifier.refusal(json, manifest);
            if (refusal.isPresent()) {
                throw new ModelFormatException(dir + ": " + refusal.get());
            }
            byte[] parameters = Files.readAllBytes(dir.resolve(ModelDirectory.PARAMETERS_FILE));
            if (parameters.length != manifest.parameterBytes()) {
                throw new ModelFormatException(dir + ": " + ModelDirectory.PARAMETERS_FILE + " has " + parameters.length
                        + " bytes, manifest says " + manifest.parameterBytes());
            }
            String sha = Sha256.hex(parameters);
            if (!sha.equalsIgnoreCase(manifest.parameterSha256())) {
                throw new ModelFormatException(dir + ": sha256 mismatch: manifest says " + manifest.parameterSha256()
                        + ", " + ModelDirectory.PARAMETERS_FILE + " hashes to " + sha);
            }
            return new PublishedModel(manifest, parameters, classTable(dir, manifest));
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("model version " + version + " is incomplete or absent: missing " + e.getFile(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model version " + version + " from " + dir, e);
        }
    }

    /**
     * The promotion gate's decision on a version ({@value ModelDirectory#DECISION_FILE}); empty when the directory
     * holds none (a candidate not yet judged, or a version written before the gate).
     *
     * @throws ModelFormatException if the file is there but is not a decision
     * @throws UncheckedIOException on other I/O failures
     */
    public Optional<PromotionRecord> decision(long version) {
        Path file = ModelDirectory.versionDir(root, version).resolve(ModelDirectory.DECISION_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(PromotionRecord.fromBytes(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the decision of model version " + version + " from " + file, e);
        }
    }

    /**
     * Whether a subscriber of this directory that serves only promoted versions may serve {@code model}: one written
     * before the gate (no promotion status), or a candidate whose decision promotes it.
     */
    public boolean promoted(PublishedModel model) {
        return !PromotionRecord.isCandidate(model.manifest()) || decision(model.version())
                .map(d -> d.kind() == PromotionRecord.Kind.PROMOTE).orElse(false);
    }

    /** The version's class table, checked against the manifest; null when the manifest has none. */
    private static ClassTable classTable(Path dir, ModelManifest manifest) throws IOException {
        ModelManifest.ClassTableRef ref = manifest.classTable();
        if (ref == null) {
            return null;
        }
        byte[] blob = Files.readAllBytes(dir.resolve(ModelDirectory.CLASS_TABLE_FILE));
        if (blob.length != ref.bytes()) {
            throw new ModelFormatException(dir + ": " + ModelDirectory.CLASS_TABLE_FILE + " has " + blob.length
                    + " bytes, manifest says " + ref.bytes());
        }
        String sha = Sha256.hex(blob);
        if (!sha.equalsIgnoreCase(ref.sha256())) {
            throw new ModelFormatException(dir + ": class table sha256 mismatch: manifest says " + ref.sha256() + ", "
                    + ModelDirectory.CLASS_TABLE_FILE + " hashes to " + sha);
        }
        try {
            return ClassTable.decode(blob, ref.classes(), ref.dimensions());
        } catch (ModelFormatException e) {
            throw new ModelFormatException(dir + ": " + ModelDirectory.CLASS_TABLE_FILE + ": " + e.getMessage(), e);
        }
    }
}
