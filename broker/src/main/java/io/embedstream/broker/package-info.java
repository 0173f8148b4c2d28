/**
 * A real single-node Kafka (KRaft, combined broker + controller) that runs in-process, for tests, demos and the
 * {@code embedstream broker} command.
 */
package io.embedstream.broker;
