#!/usr/bin/env bash
# Throughput of two sluice builds side by side under wrk (the server is the bottleneck, unlike
# bench/soak.py, whose Python clients share the cores): single-row iris infer requests, valid and
# malformed (a shape that does not match: 400), c32 for SECONDS each, ROUNDS rounds alternating
# which build goes first. Serves bench/out/soak-work/deploy (make it with bench/soak.py).
#
#   bench/serve-ab.sh NEW-BINARY OLD-BINARY [ROUNDS=3] [SECONDS=8]
set -euo pipefail
cd "$(dirname "$0")/.."
new=$1 old=$2 rounds=${3:-3} seconds=${4:-8}
repo=bench/out/soak-work/deploy
[[ -d $repo ]] || { echo "no $repo: run python3 bench/soak.py first" >&2; exit 2; }
command -v wrk > /dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
body() { printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = %s\n' "$1"; }
body "'{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 4], \"datatype\": \"FP64\", \"data\": [5.9, 3.0, 5.1, 1.8]}]}'" > "$work/valid.lua"
body "'{\"inputs\": [{\"name\": \"input-0\", \"shape\": [1, 3], \"datatype\": \"FP64\", \"data\": [1, 2, 3]}]}'" > "$work/malformed.lua"
port=28490
for r in $(seq 1 "$rounds"); do
    order=(new old); (( r % 2 == 0 )) && order=(old new)
    for b in "${order[@]}"; do
        binary=$new; [[ $b == old ]] && binary=$old
        "$binary" serve --repository "$repo" --port $port 2> /dev/null &
        pid=$!
        sleep 1.5
        for s in valid malformed; do
            out=$(wrk -t2 -c32 -d"${seconds}"s --latency -s "$work/$s.lua" http://127.0.0.1:$port/v2/models/iris/infer)
            echo "round $r $b $s rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out") p50=$(awk '$1=="50%" {print $2}' <<< "$out") p99=$(awk '$1=="99%" {print $2}' <<< "$out")"
        done
        kill -TERM $pid
        wait $pid 2> /dev/null || true
    done
done
