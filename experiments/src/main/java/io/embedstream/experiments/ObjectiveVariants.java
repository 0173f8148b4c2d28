package io.embedstream.experiments;

import io.embedstream.model.loss.CmSoftmaxLoss;
import io.embedstream.model.loss.ObjectiveConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named objectives the experiments compare, each derived from a base objective (the command line's loss
 * options: CM scale and margin, LDMAT margin, anti-collapse weights and parameters), so that a configuration
 * differs from another only by the terms it switches off:
 * <ul>
 *   <li>{@code softmax}: plain softmax on x W^T and nothing else;</li>
 *   <li>{@code cm}: CM-M-Softmax alone;</li>
 *   <li>{@code cm+ldmat}: CM and LDMAT;</li>
 *   <li>{@code cm+ac}: CM and the anti-collapse term(s) of the base;</li>
 *   <li>{@code all}: CM, LDMAT and anti-collapse (the base itself).</li>
 * </ul>
 */
public final class ObjectiveVariants {
    public static final List<String> ABLATION = List.of("softmax", "cm", "cm+ldmat", "cm+ac", "all");

    private ObjectiveVariants() {}

    /** The variant called {@code name}, derived from {@code base}. */
    public static ObjectiveConfig of(String name, ObjectiveConfig base) {
        CmSoftmaxLoss cm = base.cm().cosine() ? base.cm() : CmSoftmaxLoss.defaults();
        float cmWeight = base.cmWeight() > 0 ? base.cmWeight() : 1f;
        float ac = base.antiCollapseFeaturesWeight() + base.antiCollapseProxiesWeight();
        float ldmat = base.ldmatWeight() > 0 ? base.ldmatWeight() : 1f;
        ObjectiveConfig.Builder cmOnly = base.toBuilder().cm(cm).cmWeight(cmWeight).ldmatWeight(0)
                .antiCollapseFeaturesWeight(0).antiCollapseProxiesWeight(0);
        ObjectiveConfig.Builder withAc = ac > 0 ? base.toBuilder().cm(cm).cmWeight(cmWeight)
                : base.toBuilder().cm(cm).cmWeight(cmWeight).antiCollapseProxiesWeight(1);
        return switch (name) {
            case "softmax" -> ObjectiveConfig.plainSoftmax();
            case "cm" -> cmOnly.build();
            case "cm+ldmat" -> cmOnly.ldmatWeight(ldmat).build();
            case "cm+ac" -> withAc.ldmatWeight(0).build();
            case "all" -> withAc.ldmatWeight(ldmat).build();
            default -> throw new IllegalArgumentException("unknown configuration '" + name + "'; expected one of "
                    + ABLATION);
        };
    }

    /** Each name in order with its objective. */
    public static Map<String, ObjectiveConfig> of(List<String> names, ObjectiveConfig base) {
        Map<String, ObjectiveConfig> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n.trim(), of(n.trim(), base));
        }
        return m;
    }
}
