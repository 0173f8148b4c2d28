package io.embedstream.model.loss;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The combined objective L = w_cm L_cm + w_ldmat L_ldmat + w_acf L_ac(features) + w_acp L_ac(proxies)
 * + w_bct L_bct (the last, {@link BctLoss}, off by default).
 * Every weight may be 0; a zero-weight term is not computed at all.
 *
 * <p>Defaults: w_cm = 1 (s = 30, m = 0.4, contraction on), w_ldmat = 1 (margin 1, delta 0),
 * anti-collapse in proxies mode with weight 1 and features mode off (gamma1 = gamma2 = 1, eps = 0.5).
 */
public record ObjectiveConfig(
        float cmWeight, CmSoftmaxLoss cm,
        float ldmatWeight, LdmatLoss ldmat,
        float antiCollapseFeaturesWeight, float antiCollapseProxiesWeight,
        float acGamma1, float acGamma2, float acEps, float bctWeight) implements java.io.Serializable {

    public ObjectiveConfig {
        requireWeight("bct", bctWeight);
        requireWeight("cm", cmWeight);
        requireWeight("ldmat", ldmatWeight);
        requireWeight("anti-collapse features", antiCollapseFeaturesWeight);
        requireWeight("anti-collapse proxies", antiCollapseProxiesWeight);
        if (cmWeight + ldmatWeight + antiCollapseFeaturesWeight + antiCollapseProxiesWeight == 0) {
            throw new IllegalArgumentException("every loss weight is 0: nothing to train");
        }
        if (cm == null || ldmat == null) {
            throw new IllegalArgumentException("cm and ldmat settings must be given (a zero weight disables them)");
        }
        // Validates gamma1, gamma2 and eps with the loss's own message.
        new AntiCollapseLoss(AntiCollapseLoss.Mode.FEATURES, acGamma1, acGamma2, acEps);
    }

    private static void requireWeight(String name, float weight) {
        if (!(weight >= 0) || !Float.isFinite(weight)) {
            throw new IllegalArgumentException("loss weight for " + name + " must be a finite number >= 0, got " + weight);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ObjectiveConfig defaults() {
        return builder().build();
    }

    /** The plain-softmax baseline: linear softmax on x W^T and nothing else. */
    public static ObjectiveConfig plainSoftmax() {
        return builder().cm(CmSoftmaxLoss.plainSoftmax()).ldmatWeight(0).antiCollapseProxiesWeight(0).build();
    }

    public Builder toBuilder() {
        return new Builder().cmWeight(cmWeight).cm(cm).ldmatWeight(ldmatWeight).ldmat(ldmat)
                .antiCollapseFeaturesWeight(antiCollapseFeaturesWeight)
                .antiCollapseProxiesWeight(antiCollapseProxiesWeight)
                .antiCollapseParameters(acGamma1, acGamma2, acEps).bctWeight(bctWeight);
    }

    /** The terms with a non-zero weight, in reporting order. */
    public List<WeightedLoss> terms() {
        List<WeightedLoss> terms = new ArrayList<>();
        if (cmWeight > 0) {
            terms.add(new WeightedLoss(cmWeight, cm));
        }
        if (ldmatWeight > 0) {
            terms.add(new WeightedLoss(ldmatWeight, ldmat));
        }
        if (antiCollapseFeaturesWeight > 0) {
            terms.add(new WeightedLoss(antiCollapseFeaturesWeight,
                    new AntiCollapseLoss(AntiCollapseLoss.Mode.FEATURES, acGamma1, acGamma2, acEps)));
        }
        if (antiCollapseProxiesWeight > 0) {
            terms.add(new WeightedLoss(antiCollapseProxiesWeight,
                    new AntiCollapseLoss(AntiCollapseLoss.Mode.PROXIES, acGamma1, acGamma2, acEps)));
        }
        if (bctWeight > 0) {
            terms.add(new WeightedLoss(bctWeight, new BctLoss(cm)));
        }
        return terms;
    }

    /** Does any term need two classes in every batch? */
    public boolean needsTwoClasses() {
        return ldmatWeight > 0;
    }

    /** A flat description for manifests and logs. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cm.weight", cmWeight);
        m.put("cm.scale", cm.scale());
        m.put("cm.margin", cm.margin());
        m.put("cm.contraction", cm.contraction());
        m.put("cm.cosine", cm.cosine());
        m.put("ldmat.weight", ldmatWeight);
        m.put("ldmat.margin", ldmat.margin());
        m.put("ldmat.delta", ldmat.delta());
        m.put("anticollapse.features.weight", antiCollapseFeaturesWeight);
        m.put("anticollapse.proxies.weight", antiCollapseProxiesWeight);
        m.put("anticollapse.gamma1", acGamma1);
        m.put("anticollapse.gamma2", acGamma2);
        m.put("anticollapse.eps", acEps);
        if (bctWeight > 0) {
            m.put("bct.weight", bctWeight);
        }
        return m;
    }

    /** Builder with the defaults documented on {@link ObjectiveConfig}. */
    public static final class Builder {
        private float cmWeight = 1f;
        private CmSoftmaxLoss cm = CmSoftmaxLoss.defaults();
        private float ldmatWeight = 1f;
        private LdmatLoss ldmat = LdmatLoss.defaults();
        private float acFeatures = 0f;
        private float acProxies = 1f;
        private float gamma1 = 1f;
        private float gamma2 = 1f;
        private float eps = 0.5f;
        private float bct = 0f;

        public Builder cmWeight(float v) { this.cmWeight = v; return this; }
        public Builder cm(CmSoftmaxLoss v) { this.cm = v; return this; }
        public Builder ldmatWeight(float v) { this.ldmatWeight = v; return this; }
        public Builder ldmat(LdmatLoss v) { this.ldmat = v; return this; }
        public Builder antiCollapseFeaturesWeight(float v) { this.acFeatures = v; return this; }
        public Builder antiCollapseProxiesWeight(float v) { this.acProxies = v; return this; }
        /** Weight of {@link BctLoss}; 0 (the default) leaves it out. */
        public Builder bctWeight(float v) { this.bct = v; return this; }

        public Builder antiCollapseParameters(float gamma1, float gamma2, float eps) {
            this.gamma1 = gamma1;
            this.gamma2 = gamma2;
            this.eps = eps;
            return this;
        }

        public ObjectiveConfig build() {
            return new ObjectiveConfig(cmWeight, cm, ldmatWeight, ldmat, acFeatures, acProxies, gamma1, gamma2, eps, bct);
        }
    }
}
