#!/usr/bin/env bash
# Argon2id throughput and peak RSS: {native, bouncycastle} x {default, keycloak} x max_hash_threads {1, 2}.
# Each line is its own JVM running HashBench against target/gatehouse.jar (built when missing).
#   bench/hashing/run.sh [warmup_seconds] [measure_seconds]    (default 3 and 10: about 2 minutes)
# Results and their reading: docs/hashing.md.
set -euo pipefail
WARMUP=${1:-3}
MEASURE=${2:-10}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAR=target/gatehouse.jar
[ -f "$JAR" ] || ./gatehouse build
CLASSES=$(mktemp -d)
trap 'rm -rf "$CLASSES"' EXIT
"$JAVA_HOME/bin/javac" -d "$CLASSES" -cp "$JAR" bench/hashing/HashBench.java

# The heap each run gets is the smallest that Gatehouse's startup check accepts there: native
# hashing memory is off the heap; Bouncy Castle needs max_hash_threads x m_cost plus 64 MiB in the
# old generation, two thirds of -Xmx with the serial collector.
heap() {
  case "$1/$2/$3" in
    native/*) echo 128m ;;
    bouncycastle/default/1) echo 320m ;;
    bouncycastle/default/2) echo 512m ;;
    bouncycastle/keycloak/*) echo 128m ;;
  esac
}
params() {
  case "$1" in
    default) echo "131072 4 8" ;;  # Gatehouse's default (Rauthy's): 128 MiB, t=4, p=8
    keycloak) echo "7168 5 1" ;;   # Keycloak 26's argon2 default: 7 MiB, t=5, p=1
  esac
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg); warm-up ${WARMUP}s, measured ${MEASURE}s"
echo "| implementation | parameters | max_hash_threads | -Xmx | hashes/s | hashes counted | peak RSS (MiB) |"
echo "|---|---|---|---|---|---|---|"
for impl in native bouncycastle; do
  for cost in default keycloak; do
    for threads in 1 2; do
      # shellcheck disable=SC2046
      "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xms16m -Xmx"$(heap $impl $cost $threads)" -Xss512k -XX:+ExitOnOutOfMemoryError \
        --enable-native-access=ALL-UNNAMED -Dgatehouse.argon2="$impl" \
        -cp "$JAR:$CLASSES" HashBench $(params $cost) "$threads" "$WARMUP" "$MEASURE" |
        awk -v cost="$cost" -v heap="$(heap $impl $cost $threads)" \
          '{printf "| %s | %s %s | %s | %s | %s | %s | %s |\n", $1, cost, $2, $3, heap, $4, $5, $6}'
    done
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
