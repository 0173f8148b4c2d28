#!/bin/bash
# bench-pipeline, cm-mnist 28x28 synthetic shapes (the default dataset), 12,800 images, holdout.share alternating
cd /work/main
for i in 1 2 3 4; do
  for share in 0 0.02; do
    [ $((i % 2)) -eq 0 ] && share=$([ "$share" = 0 ] && echo 0.02 || echo 0)
    java -jar ${JAR:-/tmp/es21.jar} bench-pipeline --images 12800 --set holdout.share=$share > /tmp/gatecost/run$i-share$share.log 2>&1
    echo "run $i share $share: $(grep -a -E 'trainer alone|whole pipeline|ratio' /tmp/gatecost/run$i-share$share.log | tr '\n' ' ')" >> /tmp/gatecost/summary.txt
  done
done
echo done >> /tmp/gatecost/summary.txt
