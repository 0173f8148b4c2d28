/**
 * Offline evaluation of embeddings: a query set (test split) against a reference set (train split), with
 * Precision@1, R-precision, MAP@R, nearest-centroid accuracy, NMI of k-means clusters, effective rank and the
 * norm/quality rank correlation, overall and per quality bucket ({@link io.embedstream.model.eval.RetrievalEvaluator}).
 * {@link io.embedstream.model.eval.KnnEvaluator} is the small kNN@1 classifier the trainer and demo report.
 * Plain Java; no Flink, Kafka or DJL types.
 */
package io.embedstream.model.eval;
