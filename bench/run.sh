#!/usr/bin/env bash
# `make bench`: see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
exec .venv/bin/python bench/bench.py "$@"
