#!/usr/bin/env bash
# bench-pipeline at 64x64 RGB with the CPU seconds of each thread (by name, from /proc) during the pipeline phase.
# usage: [JAR=...] [IMAGES=9600] [OUT=/tmp] [BENCH="bench-pipeline options"] docs/results/pipeline-thread-cpu/thread-cpu.sh TAG [more options...]
# BENCH replaces the 64x64 photo options below (dataset, network, batcher, parallelism); e.g. BENCH=" " for the
# command's own defaults (28x28 grey shapes, cm-mnist).
# Flink's task threads are named after their chain ("class-diverse-b..." is the batcher and the trainer), and the
# PyTorch worker threads a task thread starts inherit its name, so the trainer's intra-op threads count as its own.
TAG=$1; shift
cd "$(dirname "$0")/../../.."
echo "=== $TAG $(date -u +%T) load $(cat /proc/loadavg) args: $*"
java -Xmx6g -Dai.djl.offline=true -Djava.awt.headless=true --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED -jar ${JAR:-app/target/embedstream.jar} bench-pipeline --images ${IMAGES:-9600} ${BENCH:---dataset photos:classes=120,size=64,train=2400,test=10 --arch resnet --set batcher.samples-per-class=4 --set runtime.decode-parallelism=2 --set runtime.quality-parallelism=2} "$@" > ${OUT:-/tmp}/$TAG.out 2>&1 &
JPID=$!
# Per thread id, merged over every poll, so that a thread that has exited (a Flink task thread when the job ends)
# keeps the CPU it used up to the last poll; threads born during the pipeline phase count from 0.
snap() { for f in /proc/$JPID/task/*/stat; do s=$(cat $f 2>/dev/null) || continue; tid=${s%% *}; n=${s#*(}; n=${n%)*}; r=${s##*) }; set -- $r; echo "$tid ${n// /_} $(( ${12} + ${13} ))"; done; }
M=${OUT:-/tmp}/$TAG.snap
: > $M.merged
while kill -0 $JPID 2>/dev/null; do
  snap > $M.cur 2>/dev/null
  awk 'NR==FNR{v[$1]=$0; next} {v[$1]=$0} END{for(k in v) print v[k]}' $M.merged $M.cur > $M.tmp && mv $M.tmp $M.merged
  if [ ! -f $M.start ] && grep -q "trainer alone" ${OUT:-/tmp}/$TAG.out; then cp $M.merged $M.start; fi
  sleep 2
done
grep -E "trainer alone|whole pipeline|ratio|training step|publish latency" ${OUT:-/tmp}/$TAG.out
echo "--- cpu seconds by thread name during the pipeline phase"
awk 'NR==FNR{b[$1]=$3; next} {c[$2]+=($3-b[$1])/100} END{for(k in c) if(c[k]>0.5) printf "%7.1f %s\n", c[k], k}' $M.start $M.merged | sort -rn | head -25
echo "=== end $(date -u +%T) load $(cat /proc/loadavg)"
