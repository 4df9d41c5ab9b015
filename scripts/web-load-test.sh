#!/usr/bin/env bash
# Web load test: browsers made of sockets play a reference-size synthetic scenario
# (57 States, 5 rounds) against `host --headless` on loopback, one live page (SSE
# stream) each. Reports command-to-visible-update latency (a command posted, until
# the push that shows it arrives on the seat's own live page: p50/p99), and the
# host's CPU and memory. Clients beyond the 285 seats are teammates' extra devices
# on a seat (live page only).
#
#   scripts/web-load-test.sh                 # 150 clients, then 500
#   CLIENTS=60 scripts/web-load-test.sh      # one run
#   BIN=target/release/cbm-ttx scripts/web-load-test.sh   # host from a release build
#   THINK_MS=0 scripts/web-load-test.sh      # every command of a round at once
#
# Each participant pauses up to THINK_MS (default 2000) before each command, spread
# evenly; THINK_MS=0 is the worst case of everyone clicking in the same instant.
#
# The host defaults to the test build's binary (dev profile: dependencies optimised,
# the app crate at opt-level 1). Not a timed test: it prints figures.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${CLIENTS:-"150 500"}
for n in $runs; do
  echo "== $n web clients"
  uptime
  WEB_LOAD_CLIENTS=$n WEB_LOAD_THINK_MS=${THINK_MS:-2000} ${BIN:+WEB_LOAD_BIN=$BIN} \
    cargo test --test it -- --ignored --exact web::load::load --nocapture 2>&1 \
    | grep -E "web clients|command to visible|host CPU|pushed to|host:|panicked|FAILED|error" || true
done
