#!/usr/bin/env bash
# Prints the PUBLIC_BASE_URL `make run` serves under: the environment's, else the one in .env, else
# http://HOST:PORT from make's arguments, so `make run PORT=8011` puts :8011 in join URLs and QR codes.
set -euo pipefail
host="${1:-127.0.0.1}"
port="${2:-8000}"
if [ -n "${PUBLIC_BASE_URL:-}" ]; then
    echo "$PUBLIC_BASE_URL"
    exit 0
fi
env_file="$(dirname "$0")/../.env"
if [ -f "$env_file" ]; then
    from_file="$(sed -n 's/^[[:space:]]*PUBLIC_BASE_URL[[:space:]]*=[[:space:]]*//p' "$env_file" | tail -n 1 | tr -d "\"'")"
    if [ -n "$from_file" ]; then
        echo "$from_file"
        exit 0
    fi
fi
case "$host" in *:*) host="[$host]" ;; esac  # an IPv6 literal needs brackets in a URL
echo "http://$host:$port"
