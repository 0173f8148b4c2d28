package io.embedstream.experiments.versus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.embedstream.model.data.corruption.Corruption;
import io.embedstream.model.eval.CorruptionReport;
import io.embedstream.model.eval.SimilarityMetric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersusSummaryTest {

    /** Two cells: rotate 3 and occlusion 3. */
    private static SideRun run(String side, long seed, double clean, double rotate3, double occlusion3, double speed) {
        CorruptionReport report = new CorruptionReport(100, SimilarityMetric.COSINE, 1, clean, List.of(
                new CorruptionReport.Cell(Corruption.ROTATE, 3, rotate3),
                new CorruptionReport.Cell(Corruption.OCCLUSION, 3, occlusion3)));
        return new SideRun(side, seed, report, speed, 1, 10, 0, clean);
    }

    @Test
    void meanAndSampleSdOverSeedsAndTheWorstCellByItsMean() {
        // Seed by seed the worst fit cell flips (rotate at seed 1, occlusion at seed 2); over the seeds rotate's mean
        // (0.35) is below occlusion's (0.40), so the worst cell is rotate 3 and every seed contributes it.
        VersusSummary s = new VersusSummary(
                List.of(run("fit", 1, 0.90, 0.20, 0.60, 100), run("fit", 2, 0.94, 0.50, 0.20, 300)),
                List.of(run("loop", 1, 0.92, 0.40, 0.50, 200), run("loop", 2, 0.96, 0.40, 0.70, 200)));
        assertEquals(0.92, s.clean("fit").mean(), 1e-12);
        assertEquals(Math.sqrt(0.0008), s.clean("fit").sd(), 1e-12, "sample sd of 0.90 and 0.94");
        assertEquals(Corruption.ROTATE, s.worst("fit").kind());
        assertEquals(0.35, s.worstStat("fit").mean(), 1e-12);
        assertEquals(Math.sqrt(0.045), s.worstStat("fit").sd(), 1e-12);
        assertEquals(0.375, s.meanUnseen("fit").mean(), 1e-12, "mean of (0.2+0.6)/2 and (0.5+0.2)/2");
        assertEquals(Corruption.ROTATE, s.worst(VersusSummary.LOOP).kind());
        // The ratio is taken within each seed, then averaged: (0.5 + 1.5) / 2, not 200 / 200.
        assertEquals(1.0, s.speedRatio("fit").mean(), 1e-12);
        assertEquals(List.of("fit", "92.00% ± 2.83", "37.50% ± 3.54", "rotate 3: 35.00% ± 21.21", "200.0 ± 141.4"),
                s.summaryRows().get(0));
    }

    @Test
    void oneSeedHasNoSpreadAndSidesMustPair() {
        VersusSummary s = new VersusSummary(List.of(run("fit", 1, 0.9, 0.2, 0.6, 100)),
                List.of(run("loop", 1, 0.9, 0.4, 0.5, 200)));
        assertEquals(0, s.clean("fit").sd());
        assertEquals(List.of("pytorch loop", "90.00%", "45.00%", "rotate 3: 40.00%", "200.0"), s.summaryRows().get(1));
        assertThrows(IllegalArgumentException.class, () -> new VersusSummary(List.of(run("fit", 1, 0.9, 0.2, 0.6, 1)),
                List.of()));
    }

    @Test
    void aStreamSideIsComparedWithTheLoopSeedBySeed() {
        Map<String, List<SideRun>> sides = new LinkedHashMap<>();
        sides.put(VersusSummary.FIT, List.of(run("fit", 1, 0.90, 0.2, 0.6, 100), run("fit", 2, 0.94, 0.5, 0.2, 300)));
        sides.put(VersusSummary.STREAM, List.of(run("stream", 1, 0.95, 0.4, 0.6, 50),
                run("stream", 2, 0.94, 0.5, 0.6, 150)));
        sides.put(VersusSummary.LOOP, List.of(run("loop", 1, 0.92, 0.4, 0.5, 200), run("loop", 2, 0.96, 0.4, 0.7, 200)));
        VersusSummary s = new VersusSummary(sides);
        assertEquals(List.of("fit", "stream"), s.compared());
        // Paired by seed: clean +0.03 and -0.02, so mean 0.005 with sd sqrt(0.00125); mean unseen +0.05 and 0.
        assertEquals(0.005, s.differenceFromLoop("stream", r -> r.report().clean()).mean(), 1e-12);
        assertEquals(Math.sqrt(0.00125), s.differenceFromLoop("stream", r -> r.report().clean()).sd(), 1e-12);
        assertEquals(0.5, s.speedRatio("stream").mean(), 1e-12, "(50/200 + 150/200) / 2");
        assertEquals(List.of("stream − loop", "+0.50 ± 3.54", "+2.50 ± 3.54", "0.50 ± 0.35"), s.differenceRows().get(1));
        assertEquals(List.of("corruption", "level", "what", "fit", "stream", "pytorch loop", "fit − loop (points)",
                "stream − loop (points)"), s.cellHeadings());
        assertEquals("+5.00", s.cellRows().get(0).get(7), "rotate 3: stream 0.45 against the loop's 0.40");
        Map<String, Object> json = s.toMap();
        assertEquals(List.of("fit", "stream", "pytorch_loop", "fit_over_loop_images_per_second"),
                List.copyOf(json.keySet()));
        assertThrows(IllegalArgumentException.class, () -> s.clean("nothing"));
    }

    @Test
    void withoutTheLoopTheSidesAreSummarisedAndNothingIsComparedWithIt() {
        Map<String, List<SideRun>> sides = new LinkedHashMap<>();
        sides.put(VersusSummary.FIT, List.of(run("fit", 1, 0.90, 0.2, 0.6, 100)));
        sides.put(VersusSummary.STREAM, List.of(run("stream", 1, 0.95, 0.4, 0.6, 50)));
        VersusSummary s = new VersusSummary(sides);
        assertEquals(false, s.hasLoop());
        assertEquals(List.of(), s.compared());
        assertEquals(List.of(), s.differenceRows());
        assertEquals(List.of("stream", "95.00%", "50.00%", "rotate 3: 40.00%", "50.0"), s.summaryRows().get(1));
        assertEquals(List.of("corruption", "level", "what", "fit", "stream"), s.cellHeadings());
        assertEquals(List.of("rotate", "3", Corruption.ROTATE.describe(3), "20.00%", "40.00%"), s.cellRows().get(0));
        Map<String, Object> json = s.toMap();
        assertEquals(List.of("fit", "stream"), List.copyOf(json.keySet()));
        assertEquals(false, ((Map<?, ?>) json.get("stream")).containsKey("clean_minus_loop"));
        assertThrows(IllegalArgumentException.class, () -> new VersusSummary(Map.of(VersusSummary.LOOP,
                List.of(run("loop", 1, 0.9, 0.4, 0.5, 200)))), "the loop alone has nothing to compare");
    }
}
