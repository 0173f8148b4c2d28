package io.embedstream.model.data;

import io.embedstream.types.LabeledImage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DegradationPlanTest {
    private static final List<LabeledImage> CLEAN = SyntheticShapes.builder().seed(12).build().generate(200);

    @Test
    void degradesExactlyTheConfiguredShareAndRecordsWhat() {
        List<DegradedImage> out = DegradationPlan.builder().degradedShare(0.2).build().apply(CLEAN);
        assertEquals(CLEAN.size(), out.size());
        int degraded = 0;
        for (int i = 0; i < out.size(); i++) {
            DegradedImage d = out.get(i);
            assertEquals(CLEAN.get(i).id(), d.image().id(), "order must be kept");
            if (d.isClean()) {
                assertNull(d.degradation());
                assertSame(CLEAN.get(i), d.image());
                assertEquals("clean", d.levelName());
            } else {
                degraded++;
                assertTrue(Set.of(0.3, 0.6, 1.0).contains(d.severity()), "default levels, got " + d.severity());
                assertTrue(DegradationTest.meanAbsDifference(CLEAN.get(i), d.image()) > 0, d.levelName());
            }
        }
        assertEquals(40, degraded);
    }

    @Test
    void isDeterministicForASeedAndDependsOnIt() {
        DegradationPlan plan = DegradationPlan.builder().degradedShare(0.5).seed(3).build();
        List<DegradedImage> a = plan.apply(CLEAN);
        List<DegradedImage> b = DegradationPlan.builder().degradedShare(0.5).seed(3).build().apply(CLEAN);
        List<DegradedImage> c = DegradationPlan.builder().degradedShare(0.5).seed(4).build().apply(CLEAN);
        int sameAsOtherSeed = 0;
        for (int i = 0; i < CLEAN.size(); i++) {
            assertEquals(a.get(i).degradation(), b.get(i).degradation());
            assertEquals(a.get(i).severity(), b.get(i).severity());
            assertArrayEquals(a.get(i).image().pixels(), b.get(i).image().pixels());
            if (a.get(i).degradation() == c.get(i).degradation() && a.get(i).severity() == c.get(i).severity()) {
                sameAsOtherSeed++;
            }
        }
        assertTrue(sameAsOtherSeed < CLEAN.size() * 0.8, "another seed should choose differently");
    }

    @Test
    void drawsOnlyTheConfiguredTypesAndLevelsAndUsesAllOfThem() {
        List<DegradedImage> out = DegradationPlan.builder().degradedShare(1.0)
                .degradations(Degradation.BLUR, Degradation.NOISE).severityLevels(0.5, 1.0).build().apply(CLEAN);
        EnumSet<Degradation> seen = EnumSet.noneOf(Degradation.class);
        for (DegradedImage d : out) {
            seen.add(d.degradation());
            assertTrue(d.severity() == 0.5 || d.severity() == 1.0);
        }
        assertEquals(EnumSet.of(Degradation.BLUR, Degradation.NOISE), seen);
    }

    @Test
    void continuousRangeStaysInsideIt() {
        List<DegradedImage> out = DegradationPlan.builder().degradedShare(1.0).severityRange(0.2, 0.4).build()
                .apply(CLEAN);
        for (DegradedImage d : out) {
            assertTrue(d.severity() >= 0.2 && d.severity() <= 0.4, "severity " + d.severity());
        }
    }

    @Test
    void rejectsBadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> DegradationPlan.builder().degradedShare(1.5));
        assertThrows(IllegalArgumentException.class, () -> DegradationPlan.builder().severityLevels());
        assertThrows(IllegalArgumentException.class, () -> DegradationPlan.builder().severityLevels(0.5, 2.0));
        assertThrows(IllegalArgumentException.class, () -> DegradationPlan.builder().severityRange(0.6, 0.4));
        assertThrows(IllegalArgumentException.class, () -> DegradationPlan.builder().degradations(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new DegradedImage(CLEAN.get(0), null, 0.5));
    }
}
