#!/bin/sh
# Entry point of the embedstream image: the official Flink entry point (jobmanager | taskmanager | standalone-job |
# any command), with the settings every embedstream JVM needs put ahead of the deployment's own FLINK_PROPERTIES.
#   classloader.parent-first-patterns.additional: ai.djl.   DJL comes from lib/ (see the Dockerfile), never from
#                                                            the job jar, so its native library loads once per JVM.
#   env.java.opts.all: -Dai.djl.offline=true ...            DJL never reaches the network from a Flink process.
#   metrics.reporter.prom.*                                 Flink's Prometheus reporter (plugins/metrics-prometheus of
#                                                            the Flink image): http://<container>:9249/metrics.
set -e
FLINK_PROPERTIES="classloader.parent-first-patterns.additional: ai.djl.
env.java.opts.all: -Dai.djl.offline=true -Djava.awt.headless=true
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: 9249
${FLINK_PROPERTIES:-}"
export FLINK_PROPERTIES
exec /docker-entrypoint.sh "$@"
