package io.embedstream.pipeline.batching;

/**
 * What the batcher keeps for one class while it holds any of its images (Flink POJO): the position of its fresh
 * images in their ring, the reservoir count, and its links in the batcher's three class lists ({@link ClassLists}).
 * A class that holds nothing has no entry, so the state grows with the classes buffered, not with all classes seen.
 */
public class ClassEntry {
    public int freshHead;
    public int freshCount;
    /** Images offered to the reservoir since it was (re)started (Vitter's algorithm R). */
    public long seen;
    /** Position in the replay-class array, -1 when the class has no reservoir. */
    public int replayPosition = -1;
    public int[] prev = {ClassLists.NONE, ClassLists.NONE, ClassLists.NONE};
    public int[] next = {ClassLists.NONE, ClassLists.NONE, ClassLists.NONE};
    public boolean[] linked = new boolean[ClassLists.COUNT];

    public ClassEntry() {}

    boolean holdsNothing() {
        return freshCount == 0 && seen == 0;
    }
}
