package io.embedstream.pipeline.batching;

/**
 * Class names to indices, grown as new names arrive (issue 16). A label given as a decimal integer keeps its
 * meaning: it is class index n, registered under the name "n". A new name takes the lowest index nobody holds,
 * while fewer than {@code capacity} classes exist. Lookups and registrations touch a constant number of entries;
 * the search for a free index only moves forward, so it costs O(1) amortised.
 */
public final class ClassRegistry {
    private final KeyValueStore<String, Integer> byName;
    private final KeyValueStore<Integer, String> byIndex;
    private final BatcherIndex index;
    private final int capacity;

    /** What a label resolved to: an index (and whether it was just registered), or why it was refused. */
    public record Resolution(int index, boolean registered, String refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    public ClassRegistry(KeyValueStore<String, Integer> byName, KeyValueStore<Integer, String> byIndex,
                         BatcherIndex index, int capacity) {
        this.byName = byName;
        this.byIndex = byIndex;
        this.index = index;
        this.capacity = capacity;
    }

    /**
     * @param label the class index when the label was an integer, else ignored
     * @param name  the class name, or null when the label was an integer
     */
    public Resolution resolve(int label, String name) throws Exception {
        if (name == null) {
            String holder = byIndex.get(label);
            String own = Integer.toString(label);
            if (holder == null) {
                register(own, label);
                return new Resolution(label, true, null);
            }
            return holder.equals(own) ? new Resolution(label, false, null)
                    : new Resolution(-1, false, "label " + label + " is the index of class '" + holder
                    + "': a stream that names its classes cannot also give them as integers");
        }
        Integer known = byName.get(name);
        if (known != null) {
            return new Resolution(known, false, null);
        }
        while (index.nextFreeClass < capacity && byIndex.get(index.nextFreeClass) != null) {
            index.nextFreeClass++;
        }
        if (index.nextFreeClass >= capacity) {
            return new Resolution(-1, false, "class capacity of " + capacity + " reached: new class '" + name
                    + "' not registered (raise classes.max)");
        }
        int assigned = index.nextFreeClass++;
        register(name, assigned);
        return new Resolution(assigned, true, null);
    }

    private void register(String name, int label) throws Exception {
        byName.put(name, label);
        byIndex.put(label, name);
        index.registeredClasses++;
    }
}
