/** JMH benchmarks; one class per measured component, each in its own sub-package. */
package io.embedstream.benchmarks;
