#!/usr/bin/env bash
# `make bench`: see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
if [ "${1:-}" = "overload" ]; then shift; exec .venv/bin/python bench/overload.py "$@"; fi
if [ "${1:-}" = "fairness" ]; then shift; exec .venv/bin/python bench/fairness.py "$@"; fi
if [ "${1:-}" = "selfpaced" ]; then shift; exec .venv/bin/python bench/selfpaced.py "$@"; fi
if [ "${1:-}" = "vote-cost" ]; then shift; exec .venv/bin/python bench/vote_cost.py "$@"; fi
exec .venv/bin/python bench/bench.py "$@"
