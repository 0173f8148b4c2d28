package io.embedstream.connectors.wire;

import java.util.Objects;

import io.embedstream.types.LabeledImage;

/** Outcome of decoding one input record: an image, or a rejection that says why. */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeResult.Rejected {

    /** Rejection stage: the record as a whole (null value, too many bytes). */
    String STAGE_RECORD = "record";
    /** Rejection stage: headers (label, content type, raw size headers). */
    String STAGE_HEADERS = "headers";
    /** Rejection stage: image bytes (unknown format, declared size too large, truncated or corrupt data). */
    String STAGE_DECODE = "decode";
    /** Rejection stage: fitting the image to the network input (only with {@code MismatchPolicy.REJECT}). */
    String STAGE_CONVERT = "convert";
    /**
     * Rejection stage: the job's class registry, after decoding (a new class name beyond the capacity, or an
     * integer label that a name already holds). The dead letter then carries the decoded image as raw pixels.
     */
    String STAGE_CLASSES = "classes";

    /**
     * A decoded image.
     *
     * @param labelName the class name when the {@code label} header was a name (the image's label is then -1,
     *                  until the job's class registry gives it an index); null when it was an index
     */
    record Decoded(LabeledImage image, String labelName) implements DecodeResult {
        public Decoded {
            Objects.requireNonNull(image, "image");
        }

        public Decoded(LabeledImage image) {
            this(image, null);
        }
    }

    /**
     * A record that cannot be used.
     *
     * @param reason human-readable cause, never empty (e.g. {@code label 12 out of range [0, 10)})
     * @param stage  one of the {@code STAGE_*} constants
     */
    record Rejected(String reason, String stage) implements DecodeResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(stage, "stage");
            if (reason.isBlank()) {
                throw new IllegalArgumentException("a rejection needs a reason");
            }
        }
    }
}
