#!/usr/bin/env bash
# Runs each fuzz target (or those named) for 1,000,000 executions or 30 minutes, whichever comes
# first, one job each, and keeps the log in fuzz/logs/TARGET.log. See fuzz/README.md.
set -u
cd "$(dirname "$0")"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(msbuild appsettings policy csharp pipeline)
mkdir -p logs
export RUSTC_BOOTSTRAP=1
# The pipeline target writes a small app per execution: keep that in memory.
[ -d /dev/shm ] && export TMPDIR=/dev/shm
for target in "${targets[@]}"; do
    [ -d "corpus/$target" ] || python3 seed.py
    cargo fuzz run -O -s none "$target" -- \
        -runs=1000000 -max_total_time=1800 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        >"logs/$target.log" 2>&1
    echo "$target: exit $? $(grep -E '^(Done|stat::number_of_executed_units)' "logs/$target.log" | tr '\n' ' ')"
done
