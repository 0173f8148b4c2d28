package io.embedstream.pipeline.types;

/**
 * What the promotion gate decided about one candidate version (Flink POJO), carried with the version to the models
 * topic and the metrics operator.
 */
public class GateDecision {
    /** {@code promote}, {@code reject} or {@code rollback} (as {@code PromotionRecord.Kind}, lower case). */
    public String kind;
    /** The version users should get after this decision (-1: none yet). */
    public long serving;
    /** For a rollback decided with this candidate: the version rolled back to (else -1). */
    public long rollbackTo = -1;
    public String reason;
    public String rollbackReason;
    /** Trusted held-out images and their classes when the candidate was judged: what it was judged on. */
    public int heldOutImages;
    public int heldOutClasses;
    /**
     * Held-out images in quarantine when the candidate was judged (judging nothing), and of them those held out
     * before a rejection (suspect).
     */
    public int quarantinedImages;
    public int suspectImages;
    /** What the decision did with the quarantine: images admitted to the trusted ones, suspect images dropped. */
    public int admittedImages;
    public int droppedImages;
    /** The candidate's held-out figures (NaN when it has none). */
    public double precisionAt1 = Double.NaN;
    public double mapAtR = Double.NaN;
    public double effectiveRank = Double.NaN;
    /** Band cut points (from, to) and P@1 per quality band, lowest first. */
    public double[] bandFrom;
    public double[] bandTo;
    public int[] bandQueries;
    public double[] bandPrecisionAt1;
    /** The serving version's P@1 on the same set (NaN when none is served). */
    public double servingPrecisionAt1 = Double.NaN;
    /**
     * For a promoted version: the linear map from the previously promoted version's embedding space to this one's
     * ({@code compatFrom}, row-major {@code compatRows x compatCols}), fitted on the held-out set; null otherwise.
     */
    public long compatFrom = -1;
    public String compatMethod;
    public int compatRows;
    public int compatCols;
    public double[] compatMatrix;

    public GateDecision() {}

    public boolean promoted() {
        return "promote".equals(kind);
    }
}
