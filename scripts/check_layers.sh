#!/usr/bin/env bash
# The half of the layering check import-linter cannot see: a module named in a string (a dotted
# path for import_string, a settings entry, a model label). core imports no other app of ours by
# string either (logger names "caja.*" are the product's log names, not modules).
set -euo pipefail
cd "$(dirname "$0")/.."
if hits=$(grep -rnE "[\"'](sessions_app|participants|activities|live|caja)[.\"']" core --include=*.py \
        | grep -v "/tests/" | grep -v "getLogger(\"caja\."); then
    echo "core names a higher app in a string (core imports no other app of ours):"
    echo "$hits"
    exit 1
fi
echo "core names no higher app: OK"
