#!/usr/bin/env bash
# The translation catalogs (locale/<lang>/LC_MESSAGES/django.po and djangojs.po).
#
#   bash scripts/messages.sh update   extract every marked string (makemessages) and compile (.mo)
#   bash scripts/messages.sh check    fail when a catalog is out of date with the code, has an
#                                     untranslated or fuzzy entry, or its committed .mo is stale
#
# The .mo files are committed so `make run` works without gettext installed; these two need it
# (Debian package gettext).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
LANGS=(es de fr)
# Not our code, or copies of it (collectstatic), or what only developers read.
IGNORE=(--ignore=.venv --ignore=bench --ignore=test-artifacts --ignore=staticfiles --ignore=deploy
        --ignore='*/tests/*' --ignore=conftest.py --ignore=node_modules)

extract() {
    local args=()
    for l in "${LANGS[@]}"; do args+=(-l "$l"); done
    # --no-location: a moved line does not change the catalogs, only a changed string does.
    "$PY" manage.py makemessages "${args[@]}" -d django --no-location --no-wrap --no-obsolete "${IGNORE[@]}" -v 0
    "$PY" manage.py makemessages "${args[@]}" -d djangojs --no-location --no-wrap --no-obsolete "${IGNORE[@]}" -v 0
}

case "${1:-}" in
update)
    extract
    "$PY" manage.py compilemessages -v 0 --ignore=.venv
    echo "catalogs updated: locale/{$(IFS=,; echo "${LANGS[*]}")}/LC_MESSAGES"
    ;;
check)
    command -v msgfmt >/dev/null || { echo "messages check needs gettext (apt-get install gettext)"; exit 1; }
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"; [ -d "$tmp.locale" ] && { rm -rf locale; mv "$tmp.locale" locale; }' EXIT
    cp -a locale "$tmp.locale"
    extract
    status=0
    # 1. Up to date: extracting again changes nothing but the creation date.
    if ! diff -r -u -I '^"POT-Creation-Date' -x '*.mo' "$tmp.locale" locale; then
        echo "!!! a catalog is out of date with the code: run 'make messages', translate, commit"
        status=1
    fi
    for l in "${LANGS[@]}"; do
        for d in django djangojs; do
            po="$tmp.locale/$l/LC_MESSAGES/$d.po"
            mo="$tmp.locale/$l/LC_MESSAGES/$d.mo"
            [ -f "$po" ] || { echo "!!! missing $po"; status=1; continue; }
            # 2. Complete: every entry translated, none fuzzy, and msgfmt --check happy (placeholders).
            stats="$(LC_ALL=C msgfmt --check --statistics -o "$tmp/$l-$d.mo" "$po" 2>&1)" || { echo "$stats"; status=1; }
            echo "$l/$d: $stats"
            if grep -Eq 'fuzzy|untranslated' <<<"$stats"; then
                echo "!!! $l/$d.po has untranslated or fuzzy entries"
                status=1
            fi
            # 3. The committed .mo is what the .po compiles to (compared as text: msgunfmt).
            if [ ! -f "$mo" ] || ! cmp -s <(msgunfmt "$mo" 2>/dev/null) <(msgunfmt "$tmp/$l-$d.mo"); then
                echo "!!! locale/$l/LC_MESSAGES/$d.mo is stale: run 'make messages' and commit it"
                status=1
            fi
        done
    done
    exit "$status"
    ;;
*)
    echo "usage: $0 update|check" >&2
    exit 2
    ;;
esac
