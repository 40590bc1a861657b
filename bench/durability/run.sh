#!/usr/bin/env bash
# Write throughput, p99 latency and real syncs per 1000 acknowledged writes, for each log_sync mode
# at 1, 16 and 64 concurrent writers, on this machine's disk and on a "slow" disk (the same disk
# with SLOWSYNC_DELAY_US added to every fsync/fdatasync, like a networked Ceph RBD).
# Prints a Markdown table; docs/durability.md holds a copy with the machine it ran on.
#
#   bench/durability/run.sh                      # 3 s per cell
#   SECONDS_PER_CELL=5 SLOWSYNC_DELAY_US=5000 WRITERS="1 16 64" bench/durability/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

SECONDS_PER_CELL=${SECONDS_PER_CELL:-3}
SLOWSYNC_DELAY_US=${SLOWSYNC_DELAY_US:-5000}
WRITERS=${WRITERS:-1 16 64}
MODES=${MODES:-sync_per_write immediate immediate_async interval_1000}
WORK=$(mktemp -d -p "${BENCH_DIR:-/var/tmp}" gatehouse-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=${JAR:-target/gatehouse.jar}

command -v strace >/dev/null || { echo "strace is needed: apt-get install -y strace" >&2; exit 1; }
[ -f "$JAR" ] || ./mvnw -B -q package -DskipTests
gcc -shared -fPIC -O2 -Wall -o "$WORK/slowsync.so" bench/durability/slowsync.c -ldl
"${JAVA_HOME:+$JAVA_HOME/bin/}javac" -d "$WORK/classes" -cp "$JAR" bench/durability/WriteBenchmark.java

echo "| disk | mode | writers | writes/s | p99 ms | syncs per 1000 writes |"
echo "|---|---|---:|---:|---:|---:|"
for disk in local slow; do
  preload=""
  [ "$disk" = slow ] && preload="$WORK/slowsync.so"
  for mode in $MODES; do
    for writers in $WRITERS; do
      data="$WORK/$disk-$mode-$writers"
      mkdir -p "$data"
      # strace counts every sync the process makes (ours and SQLite's, opening included).
      env LD_PRELOAD="$preload" SLOWSYNC_DELAY_US="$SLOWSYNC_DELAY_US" \
        strace -f -c --seccomp-bpf -e trace=fsync,fdatasync -o "$data.strace" \
        "$JAVA" -XX:+UseSerialGC -Xmx256m --enable-native-access=ALL-UNNAMED \
        -cp "$JAR:$WORK/classes" WriteBenchmark \
        "$data" "$mode" "$writers" "$SECONDS_PER_CELL" >"$data.out" 2>"$data.err" \
        || { cat "$data.err" >&2; exit 1; }
      read -r _ _ acked rate p99 <"$data.out"
      syncs=$(awk '$NF == "fsync" || $NF == "fdatasync" { n += $4 } END { print n + 0 }' "$data.strace")
      per1000=$(awk -v s="$syncs" -v a="$acked" 'BEGIN { printf "%.1f", a ? s * 1000 / a : 0 }')
      echo "| $disk | $mode | $writers | $rate | $p99 | $per1000 |"
      rm -rf "$data"
    done
  done
done
