/**
 * The {@code embedstream} launcher: one picocli root over the job's commands (pipeline), the broker and the
 * experiments. This module also builds the fat jar that bin/embedstream, bin/cluster and the docker image run.
 */
package io.embedstream.app;
