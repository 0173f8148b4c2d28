#!/bin/bash
# PromotionGatePipelineTest single runs beside LOAD shell busy loops (0, 2 or 3 in session 20), from the repository root:
#   LOAD=3 docs/results/issue19-timeout-drain/gate-runs-s20/run.sh heavy 4
# Extra arguments go to Maven; with test-settings.patch applied, -Dpg.clean=N -Dpg.lr=X -Dpg.ldmat=W set the test's
# clean images before the shuffled stretch, learning rate and LDMAT weight (the c4000, lr01, lr01c2000, cm01 runs).
tag=$1; n=$2; shift 2
out=${OUT:-/tmp/pg}; mkdir -p "$out"
for i in $(seq 1 "$n"); do
  pids=""
  for j in $(seq 1 "${LOAD:-0}"); do (while :; do :; done) & pids="$pids $!"; done
  mvn -B -o test -pl pipeline -Dtest=PromotionGatePipelineTest -Dsurefire.failIfNoSpecifiedTests=false "$@" > "$out/$tag-$i.log" 2>&1
  [ -n "$pids" ] && kill $pids
  echo "$tag-$i $(grep -a -E 'Tests run: 1,' "$out/$tag-$i.log" | tail -1)" >> "$out/summary.txt"
done
