package io.embedstream.pipeline;

import io.embedstream.connectors.wire.PixelBuffer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An independent JPEG decoder for the tests: {@code djpeg} of libjpeg-turbo (Debian package
 * {@code libjpeg-turbo-progs}), run as a process. The decoder under test uses the JDK's ImageIO, whose JPEG reader
 * is the JDK's own copy of IJG libjpeg 6b: a different build of a different release, so the two agree on valid
 * data by the standard, not by sharing code paths.
 */
final class Djpeg {
    /** With {@code EMBEDSTREAM_REQUIRE_DJPEG=1} (CI), a test that needs djpeg fails instead of skipping. */
    static final String REQUIRE_ENV = "EMBEDSTREAM_REQUIRE_DJPEG";

    /** djpeg's exit status: 0 decoded, 2 decoded after warnings (data repaired), 1 refused. */
    enum Verdict { CLEAN, WARNING, ERROR }

    /**
     * @param pixels   the decoded image (1 channel for grayscale JPEGs, else RGB); null when refused
     * @param messages what djpeg printed on stderr (its warnings or its error)
     */
    record Result(Verdict verdict, PixelBuffer pixels, String messages) {}

    private final Path executable;
    private final Path scratch;

    private Djpeg(Path executable, Path scratch) {
        this.executable = executable;
        this.scratch = scratch;
    }

    /** djpeg from the {@code PATH}, working in {@code scratch}; empty when it is not installed. */
    static Optional<Djpeg> find(Path scratch) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin" : path).split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "djpeg");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(new Djpeg(candidate, scratch));
            }
        }
        return Optional.empty();
    }

    static boolean required() {
        return "1".equals(System.getenv(REQUIRE_ENV));
    }

    Path executable() {
        return executable;
    }

    /** Decodes {@code jpeg} with djpeg's defaults (accurate integer IDCT, fancy upsampling) to PNM. */
    Result decode(byte[] jpeg) throws IOException, InterruptedException {
        Path input = Files.createTempFile(scratch, "djpeg-", ".jpg");
        Path errors = Files.createTempFile(scratch, "djpeg-", ".err");
        try {
            Files.write(input, jpeg);
            Process process = new ProcessBuilder(executable.toString(), "-pnm", input.toString())
                    .redirectError(errors.toFile()).start();
            process.getOutputStream().close();
            byte[] pnm;
            try (InputStream out = process.getInputStream()) {
                pnm = out.readAllBytes();
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("djpeg did not finish within 30 s");
            }
            String messages = Files.readString(errors, StandardCharsets.ISO_8859_1).strip();
            return switch (process.exitValue()) {
                case 0 -> new Result(Verdict.CLEAN, parsePnm(pnm), messages);
                case 2 -> new Result(Verdict.WARNING, parsePnm(pnm), messages);
                case 1 -> new Result(Verdict.ERROR, null, messages);
                default -> throw new IllegalStateException("djpeg exited with " + process.exitValue() + ": "
                        + messages);
            };
        } finally {
            Files.deleteIfExists(input);
            Files.deleteIfExists(errors);
        }
    }

    /** Binary PGM (P5) or PPM (P6) with 8-bit samples, as djpeg writes them. */
    static PixelBuffer parsePnm(byte[] pnm) {
        int[] at = {0};
        String magic = token(pnm, at);
        int channels = switch (magic) {
            case "P5" -> 1;
            case "P6" -> 3;
            default -> throw new IllegalArgumentException("not a binary PGM or PPM: " + magic);
        };
        int width = Integer.parseInt(token(pnm, at));
        int height = Integer.parseInt(token(pnm, at));
        int max = Integer.parseInt(token(pnm, at));
        if (max != 255) {
            throw new IllegalArgumentException("expected 8-bit samples, got maximum " + max);
        }
        int start = at[0] + 1; // one whitespace byte after the maximum
        int size = width * height * channels;
        if (pnm.length - start != size) {
            throw new IllegalArgumentException("PNM of " + width + "x" + height + "x" + channels + " has "
                    + (pnm.length - start) + " sample bytes, expected " + size);
        }
        return new PixelBuffer(width, height, channels, Arrays.copyOfRange(pnm, start, pnm.length));
    }

    private static String token(byte[] b, int[] at) {
        int i = at[0];
        while (i < b.length && (Character.isWhitespace(b[i]) || b[i] == '#')) {
            if (b[i] == '#') {
                while (i < b.length && b[i] != '\n') {
                    i++;
                }
            } else {
                i++;
            }
        }
        int start = i;
        while (i < b.length && !Character.isWhitespace(b[i])) {
            i++;
        }
        at[0] = i;
        return new String(b, start, i - start, StandardCharsets.US_ASCII);
    }
}
