package io.embedstream.experiments.compat;

import java.util.List;

/**
 * Retrieval of version k's queries against the first version's index: (a) the old index as it is, (b) the old index
 * carried forward by each map variant, fitted on each number of fit images, chained between consecutive versions (as
 * a service receives them) or fitted directly from the first version to version k, (c) the index re-embedded with
 * version k. Recovery is the share of the gap (c) - (a) that (b) closes.
 */
public record CarryForwardFigures(int version, long step, double oldIndex, double reembedded, List<Carried> carried) {

    /** P@1 of the index carried forward by one map. */
    public record Carried(String map, int fitImages, boolean chained, double precisionAt1) {}

    public CarryForwardFigures {
        carried = List.copyOf(carried);
    }

    /** (b - a) / (c - a) for a carried index's P@1 b; NaN when re-embedding gains nothing over the old index. */
    public double recovery(double mapped) {
        double gap = reembedded - oldIndex;
        return gap > 0 ? (mapped - oldIndex) / gap : Double.NaN;
    }

    /** The carried figure of one map, fit size and kind; NaN when it was not measured. */
    public double carried(String map, int fitImages, boolean chained) {
        return carried.stream().filter(c -> c.map().equals(map) && c.fitImages() == fitImages && c.chained() == chained)
                .mapToDouble(Carried::precisionAt1).findFirst().orElse(Double.NaN);
    }

    /**
     * The share of the summed gaps that one map recovers over versions 1.., Σ(b − a) / Σ(c − a): single versions'
     * gaps of under a point are within a few queries' noise, their sum is not.
     */
    public static double aggregateRecovery(List<CarryForwardFigures> figures, String map, int fitImages,
                                           boolean chained) {
        double gained = 0;
        double gap = 0;
        for (CarryForwardFigures f : figures) {
            if (f.version() == 0) {
                continue;
            }
            gained += f.carried(map, fitImages, chained) - f.oldIndex();
            gap += f.reembedded() - f.oldIndex();
        }
        return gap > 0 ? gained / gap : Double.NaN;
    }
}
