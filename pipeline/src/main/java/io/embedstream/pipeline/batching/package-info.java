/**
 * Class-diverse batching for streams with any number of classes: the P x K batch logic of the batcher operator,
 * on a small key-value interface so that it runs on Flink keyed state in the job and on hash maps in tests.
 */
package io.embedstream.pipeline.batching;
