package io.embedstream.model.eval.holdout;

import io.embedstream.model.random.Rng;
import java.nio.charset.StandardCharsets;

/**
 * Decides which images are held out of training: a fixed share of ids, chosen by a hash of the id alone.
 *
 * <p>The decision depends on nothing but the id and the salt, so it is the same in every operator instance, after a
 * restore, and when a producer re-sends an image: a held-out image can never reach the trainer by a second route.
 * It does not depend on the label either, so each class is held out at the same expected share. The hash is FNV-1a
 * over the id's UTF-8 bytes, finished by SplitMix64's mixer: FNV alone leaves sequential ids such as
 * {@code img-1001}, {@code img-1002} in correlated low bits.
 */
public final class HoldoutSplit implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** Share of the stream held out by default: 2%. */
    public static final double DEFAULT_SHARE = 0.02;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final double share;
    private final long salt;

    private HoldoutSplit(double share, long salt) {
        this.share = share;
        this.salt = salt;
    }

    /**
     * A split that holds out {@code share} of the ids; {@code salt} picks another, independent set of ids of the same
     * share (two jobs on one stream with different salts hold out different images).
     */
    public static HoldoutSplit of(double share, long salt) {
        if (!(share >= 0 && share < 1)) {
            throw new IllegalArgumentException("the held-out share must be at least 0 and below 1 (0 holds nothing"
                    + " out; 1 would train on nothing), got " + share);
        }
        return new HoldoutSplit(share, salt);
    }

    public double share() {
        return share;
    }

    public long salt() {
        return salt;
    }

    /** Whether the image with this id is kept out of training. */
    public boolean heldOut(String id) {
        return unit(id) < share;
    }

    /** The id's position in [0, 1), uniform over ids: the image is held out when it is below the share. */
    double unit(String id) {
        long h = FNV_OFFSET;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * FNV_PRIME;
        }
        return (Rng.mix(h ^ Rng.mix(salt)) >>> 11) * 0x1.0p-53;
    }

    @Override
    public String toString() {
        return "HoldoutSplit[share=" + share + ", salt=" + salt + "]";
    }
}
