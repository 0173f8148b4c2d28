#!/bin/bash
cd /work/main
run() { # tag jar seed sides extra
  out=/tmp/r21/$1; mkdir -p $out
  java -jar $2 experiment versus-pytorch --dataset idx:../shared/data/mnist10k --epochs 5 --sides $4 $5 --seed $3 --out $out > $out/run.log 2>&1
  echo "$1 rc=$? $(date +%T) $(grep -a "^seed $3 stream" $out/run.log)" >> /tmp/r21/summary.txt
}
run drain-s44 /tmp/es-drain.jar 44 stream,loop ""
run old-s44 /tmp/es-badf2bc.jar 44 stream,loop ""
run drain-s42 /tmp/es-drain.jar 42 stream --no-loop
run old-s42 /tmp/es-badf2bc.jar 42 stream --no-loop
run drain-s43 /tmp/es-drain.jar 43 stream --no-loop
run old-s43 /tmp/es-badf2bc.jar 43 stream --no-loop
