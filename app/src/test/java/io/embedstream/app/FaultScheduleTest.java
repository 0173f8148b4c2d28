package io.embedstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.app.FaultSchedule.Fault;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link ClusterFaultTest}'s schedule: one seed gives one schedule, and the printed line says how to repeat it. */
class FaultScheduleTest {
    @Test
    void theSameSeedDrawsTheSameScheduleAndOthersDiffer() {
        assertEquals(FaultSchedule.draw(42), FaultSchedule.draw(42));
        assertEquals(FaultSchedule.draw(42).describe(), FaultSchedule.draw(42).describe());
        Set<List<Fault>> schedules = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            schedules.add(FaultSchedule.draw(seed).faults());
        }
        assertEquals(20, schedules.size(), "20 seeds, 20 different schedules");
    }

    @Test
    void threeTaskManagerKillsAndOneBrokerKillSpreadOverTheRun() {
        for (long seed = 0; seed < 200; seed++) {
            List<Fault> faults = FaultSchedule.draw(seed).faults();
            assertEquals(3, faults.stream().filter(f -> f.process().equals(FaultSchedule.TASK_MANAGER)).count());
            assertEquals(1, faults.stream().filter(f -> f.process().equals(FaultSchedule.BROKER)).count());
            double previous = 0;
            for (Fault f : faults) {
                assertTrue(f.at() > previous && f.at() >= 0.1 && f.at() < 0.67, "in order, 10%..67%: " + faults);
                assertTrue(f.pick() >= 0 && f.pick() < 1, f.toString());
                assertTrue(f.downMillis() >= 2000 && f.downMillis() < 6000, f.toString());
                previous = f.at();
            }
        }
    }

    @Test
    void thePrintedLineNamesTheSeedAndHowToRepeatIt() {
        FaultSchedule schedule = FaultSchedule.draw(-7304511234L);
        String line = schedule.describe();
        assertTrue(line.contains("seed -7304511234 "), line);
        assertTrue(line.contains("-Dembedstream.cluster-fault.seed=-7304511234"), line);
        for (int i = 0; i < schedule.faults().size(); i++) {
            Fault f = schedule.faults().get(i);
            assertTrue(line.contains(String.format(java.util.Locale.ROOT, "%d. kill -9 %s at %.1f%% of ids", i + 1,
                    f.process(), f.at() * 100)), line);
        }
        // What the line says is enough to draw the schedule again.
        assertEquals(schedule, FaultSchedule.draw(FaultSchedule.seed("-7304511234", () -> 1)));
    }

    @Test
    void theSeedComesFromThePropertyOrIsFresh() {
        assertEquals(42, FaultSchedule.seed("42", () -> 1));
        assertEquals(42, FaultSchedule.seed(" 42\n", () -> 1));
        assertEquals(1, FaultSchedule.seed(null, () -> 1), "property not set");
        assertEquals(1, FaultSchedule.seed("", () -> 1), "surefire passes a named but unset property as empty");
        assertThrows(IllegalArgumentException.class, () -> FaultSchedule.seed("0x2a", () -> 1));
    }

    @Test
    void theKilledTaskManagerIsTheDrawnOneAmongThoseRunningTheJob() {
        List<String> busy = List.of("taskmanager-1", "taskmanager-2");
        assertEquals("taskmanager-1", new Fault(FaultSchedule.TASK_MANAGER, 0.5, 0.0, 2000).target(busy));
        assertEquals("taskmanager-1", new Fault(FaultSchedule.TASK_MANAGER, 0.5, 0.49, 2000).target(busy));
        assertEquals("taskmanager-2", new Fault(FaultSchedule.TASK_MANAGER, 0.5, 0.5, 2000).target(busy));
        assertEquals("taskmanager-2", new Fault(FaultSchedule.TASK_MANAGER, 0.5, 0.999, 2000).target(busy));
        assertEquals("broker", new Fault(FaultSchedule.BROKER, 0.5, 0.7, 2000).target(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new Fault(FaultSchedule.TASK_MANAGER, 0.5, 0.5, 2000).target(List.of()));
        assertNotEquals(FaultSchedule.draw(1), FaultSchedule.draw(2));
    }
}
