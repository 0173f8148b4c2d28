#!/usr/bin/env bash
# nothing slower (issue 15): fit on mnist10k with the jar of 8a26f6a (before issues 15, 17 and 19; BEFORE_JAR,
# built with `git worktree add /tmp/b 8a26f6a && (cd /tmp/b && mvn -o -q package -DskipTests)`) and of HEAD
# (AFTER_JAR, with --init he: the recipe of before, which gives the same kNN@1), in the order before, after, after, before.
cd "$(dirname "$0")/../../.."
for j in before after after before; do
  jar=${BEFORE_JAR:-/tmp/before.jar}; [ $j = after ] && jar=${AFTER_JAR:-app/target/embedstream.jar}
  echo "=== $j $(date -u +%T) load $(cat /proc/loadavg)"
  java -Xmx4g -Dai.djl.offline=true -Djava.awt.headless=true --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED -jar $jar fit --dataset idx:../shared/data/mnist10k --epochs 5 $([ $j = after ] && echo --init he) 2>&1 | grep -iE "images/s|knn|trained|P@1" | head -6
done
echo "=== end $(date -u +%T) load $(cat /proc/loadavg)"
