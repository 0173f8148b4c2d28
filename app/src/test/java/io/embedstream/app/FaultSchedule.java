package io.embedstream.app;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * The faults of one {@link ClusterFaultTest} run, drawn from a seed before the run starts, so that a failing run can
 * be repeated: the test prints {@link #describe()} first, and {@code -Dembedstream.cluster-fault.seed=SEED} draws
 * the same schedule again.
 *
 * <p>Three kills of a TaskManager that runs tasks of the job and one of the broker, in a random order, at random
 * fractions of the run (spread over it in order: 10% to 67% of the input ids accounted for); each process restarted
 * 2 to 6 seconds later. Which TaskManager is killed is drawn here too, as a position in the list of those running
 * the job at that moment, so that no draw depends on the cluster.
 *
 * @param seed   the seed the schedule was drawn from
 * @param faults the faults in the order they happen
 */
record FaultSchedule(long seed, List<Fault> faults) {
    /** The system property that fixes the seed (surefire passes {@code -D} options of {@code mvn} through). */
    static final String SEED_PROPERTY = "embedstream.cluster-fault.seed";
    static final String TASK_MANAGER = "taskmanager";
    static final String BROKER = "broker";

    /**
     * @param process    {@link #TASK_MANAGER} or {@link #BROKER}
     * @param at         the share of the input ids accounted for (trained on or dead-lettered) when it happens
     * @param pick       in [0, 1): which of the TaskManagers running the job is killed (ignored for the broker)
     * @param downMillis how long the process stays down
     */
    record Fault(String process, double at, double pick, long downMillis) {
        /** The process to kill: the broker, or the TaskManager at {@link #pick} of those running the job. */
        String target(List<String> busyTaskManagers) {
            if (process.equals(BROKER)) {
                return BROKER;
            }
            if (busyTaskManagers.isEmpty()) {
                throw new IllegalArgumentException("no TaskManager runs the job");
            }
            return busyTaskManagers.get(Math.min((int) (pick * busyTaskManagers.size()), busyTaskManagers.size() - 1));
        }
    }

    FaultSchedule {
        faults = List.copyOf(faults);
    }

    /**
     * The seed given as {@link #SEED_PROPERTY}'s value, or a fresh one when it is absent or blank (surefire passes
     * a property that its configuration names but nobody set as an empty string).
     *
     * @throws IllegalArgumentException for a value that is not a decimal long: a typo must not run another schedule
     */
    static long seed(String property, LongSupplier fresh) {
        if (property == null || property.isBlank()) {
            return fresh.getAsLong();
        }
        try {
            return Long.parseLong(property.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SEED_PROPERTY + " must be a decimal long, got '" + property + "'", e);
        }
    }

    static FaultSchedule draw(long seed) {
        Random random = new Random(seed);
        List<String> processes = new ArrayList<>(List.of(TASK_MANAGER, TASK_MANAGER, TASK_MANAGER, BROKER));
        Collections.shuffle(processes, random);
        List<Fault> faults = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            double at = 0.1 + 0.15 * i + random.nextDouble() * 0.12;
            double pick = random.nextDouble();
            long downMillis = 2000 + random.nextInt(4000);
            faults.add(new Fault(processes.get(i), at, pick, downMillis));
        }
        return new FaultSchedule(seed, faults);
    }

    /** One line: the seed, how to draw the same schedule again, and the faults. */
    String describe() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "cluster-fault: seed %d (repeat with -D%s=%d):", seed, SEED_PROPERTY, seed));
        for (int i = 0; i < faults.size(); i++) {
            Fault f = faults.get(i);
            sb.append(String.format(Locale.ROOT, " %d. kill -9 %s at %.1f%% of ids%s, down %.1f s;", i + 1,
                    f.process(), f.at() * 100, f.process().equals(TASK_MANAGER)
                            ? String.format(Locale.ROOT, " (pick %.2f of those running the job)", f.pick()) : "",
                    f.downMillis() / 1000.0));
        }
        return sb.toString();
    }
}
