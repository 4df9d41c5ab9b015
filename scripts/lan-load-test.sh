#!/usr/bin/env bash
# LAN load test: bot clients (150 by default) across 57 States on loopback play a
# reference-size (5-round) synthetic scenario against `host --headless`. Reports the
# machine's load, command-to-visible-event latency (p50/p99, measured by the
# clients), the host's own handling time per command (received to journaled), its
# CPU use and peak memory. Fails unless every client and the host finish the
# exercise. With more clients than States, bots take body seats (the scenario gets
# enough bodies per State).
#
#   scripts/lan-load-test.sh            # uses target/release/cbm-ttx (cargo build --release)
#   CLIENTS=300 scripts/lan-load-test.sh
#   BIN=target/debug/cbm-ttx CLIENTS=60 scripts/lan-load-test.sh
set -euo pipefail
BIN=${BIN:-target/release/cbm-ttx}
CLIENTS=${CLIENTS:-150}
PROCS=${PROCS:-5}
STATES=${STATES:-57}
PORT=${PORT:-5171}
work=$(mktemp -d)
export CBM_TTX_DATA_DIR="$work/data"
# Body seats: enough per State for every client (at least the usual five).
BODIES=$(( (CLIENTS + STATES - 1) / STATES )); [ "$BODIES" -ge 5 ] || BODIES=5
SEATS=()
[ "$CLIENTS" -le "$STATES" ] || SEATS=(--bodies)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"$BIN" generate --states "$STATES" --bodies "$BODIES" --injects 100 --rounds 5 --out "$work/osce.ron"
"$BIN" validate --short "$work/osce.ron" >/dev/null
"$BIN" host "$work/osce.ron" --headless --players "$CLIENTS" --code LOAD01 --port "$PORT" --round-seconds 0 >"$work/host.log" 2>&1 &
host=$!
sleep 0.5
per=$(( (CLIENTS + PROCS - 1) / PROCS ))
left=$CLIENTS
bots=()
for i in $(seq 1 "$PROCS"); do
  n=$(( left < per ? left : per )); left=$(( left - n ))
  [ "$n" -gt 0 ] || break
  "$BIN" join "127.0.0.1:$PORT" --code LOAD01 --bot cooperative --count "$n" --timeout "${TIMEOUT:-600}" --latencies "$work/lat$i.json" "${SEATS[@]}" >"$work/bots$i.log" 2>&1 &
  bots+=($!)
done
hz=$(getconf CLK_TCK)
start=$(date +%s.%N)
cpu=0
hwm=0
botcpu=()
while kill -0 "$host" 2>/dev/null; do
  if [ -r "/proc/$host/stat" ]; then
    cpu=$(awk '{print $14+$15}' "/proc/$host/stat" 2>/dev/null || echo "$cpu")
    hwm=$(awk '/VmHWM/{print $2}' "/proc/$host/status" 2>/dev/null || echo "$hwm")
  fi
  # The bot processes' CPU (last reading of each): on a 2-core machine the bots
  # compete with the host, and their own delay is part of what they measure.
  for i in "${!bots[@]}"; do
    t=$(awk '{print $14+$15}' "/proc/${bots[$i]}/stat" 2>/dev/null) && botcpu[$i]=$t
  done
  sleep 0.2
done
end=$(date +%s.%N)
status=0
for b in "${bots[@]}"; do wait "$b" || { status=1; echo "a bot process failed: see $work/bots*.log"; }; done
wait "$host" || { status=1; echo "the host failed: see $work/host.log"; }
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
bots_cpu=0
for t in "${botcpu[@]}"; do bots_cpu=$((bots_cpu + t)); done
python3 - "$work" "$cpu" "$hz" "$start" "$end" "$CLIENTS" "$STATES" "$BODIES" "$hwm" "$bots_cpu" "${#bots[@]}" <<'PY'
import json, glob, sys
work, cpu, hz, start, end, clients, states, bodies, hwm, bots_cpu, procs = sys.argv[1:]
lat = sorted(x for f in glob.glob(work + "/lat*.json") for x in json.load(open(f)))
q = lambda p: lat[round((len(lat) - 1) * p)] * 1000 if lat else float("nan")
wall = float(end) - float(start)
print(f"{clients} bot clients, {states} States with {bodies} bodies each, 5 rounds on loopback")
print(f"command to visible event: {len(lat)} samples, p50 {q(0.5):.1f} ms, p99 {q(0.99):.1f} ms, max {q(1.0):.1f} ms")
print(f"host CPU: {int(cpu)/int(hz):.2f} s over {wall:.1f} s wall = {100*int(cpu)/int(hz)/wall:.1f}% of one core; peak memory {int(hwm)/1024:.0f} MiB")
print(f"bot CPU ({procs} processes): {int(bots_cpu)/int(hz):.2f} s = {100*int(bots_cpu)/int(hz)/wall:.1f}% of one core")
PY
grep -E "host (frames|handling)|ended|finished" "$work/host.log" | tail -4
exit $status
