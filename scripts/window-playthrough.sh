#!/usr/bin/env bash
# The Tutorial played through the real window under Xvfb with real X mouse and
# keyboard events (xdotool), as the facilitator and both hot-seat teams; then the
# journal and the report are checked. See scripts/window_playthrough.py.
#
#   scripts/window-playthrough.sh [BINARY] [WIDTHxHEIGHT]
#
# Needs: Xvfb, xdotool, python3, Mesa's software Vulkan (mesa-vulkan-drivers).
# Environment: CLOCK_HOLD (seconds, default 20), IDLE_SECONDS (default 10),
# KEEP=1 keeps the work folder (journal, report, probe, app log).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/cbm-ttx}
size=${2:-1280x720}
work=$(mktemp -d)
n=$((200 + RANDOM % 500))
while [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1920x1080x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb=$!
app=
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
export DISPLAY=":$n" CBM_TTX_DATA_DIR="$work/data" CBM_TTX_PROBE="$work/probe.json"
start=$(date +%s)
"$bin" play scenarios/tutorial.ron --size "$size" >"$work/app.log" 2>&1 &
app=$!
if ! APP_PID=$app RESULT="$work/result.json" python3 scripts/window_playthrough.py; then
  echo "== app log (last lines)"; tail -20 "$work/app.log"; exit 1
fi
kill "$app"; wait "$app" 2>/dev/null || true; app=
python3 - "$work/result.json" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
journal = r["journal"]
text = open(journal, encoding="utf-8").read()
lines = [json.loads(l) for l in text.splitlines() if l.strip()]
def need(what, cond):
    if not cond:
        sys.exit(f"playthrough: journal check failed: {what}")
for t in ["Please call our ministry about the exchange outage.",
          "We are looking into it and will call you today.",
          "Typed during round 1 and never added.",
          "Hot wash: the policy line worked both ways.",
          "Team Lake", "Team Hill"]:
    need(f"{t!r} recorded", t in text)
need("Lakeland's technical message recorded", "Is traffic from your hosting company back to normal?" in text)
for kind in ["NationalCoordination", "PolicyMessage", "TechnicalMessage"]:
    need(f"a resolved {kind} in the journal", kind in text or kind.lower() in text.replace("_", ""))
need("every line has a wall-clock time", all("at" in l.get("batch", {}) for l in lines[1:]))
need("the lobby's 7-minute clock journaled", '"round_seconds":420' in text.replace(" ", ""))
report = journal + ".report"
html = open(os.path.join(report, "report.html"), encoding="utf-8").read()
md = open(os.path.join(report, "report.md"), encoding="utf-8").read()
for t in ["Please call our ministry about the exchange outage.", "Hot wash: the policy line worked both ways."]:
    need(f"{t!r} in report.html", t in html)
    need(f"{t!r} in report.md", t in md)
print("playthrough: journal and report hold the play (", len(lines), "journal lines )")
for k, v in r["figures"].items():
    print(f"playthrough: {k}: {v}")
PY
echo "playthrough: passed in $(( $(date +%s) - start )) s at $size"
