"""Each setting is described once: the configuration reference in docs/operations.md.

The reference's tables, the environment variables the code reads and `.env.example` must agree:

- the table under "Django settings (`caja/settings.py`)" names exactly what caja/settings.py reads;
- all the reference's tables together name exactly what the project's runtime code reads (the
  settings, deploy/gunicorn.conf.py, the metrics module, the root conftest.py), each variable once;
- each table is sorted, and `.env.example` lists the same names in the same order.

Reads are found in the source (no Django, no database): django-environ's ``env(...)`` and
``env.<cast>(...)``, ``os.environ.get``/``os.getenv``/``os.environ[...]``/``"X" in os.environ``,
and calls to a module's own helper that passes its argument to one of those (gunicorn's ``_int``).
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "operations.md"
SETTINGS = ROOT / "caja" / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"

# Not runtime code: the benchmark's knobs are documented in bench/README.md, tests set variables.
SKIPPED_DIRS = {".venv", "venv", "node_modules", "staticfiles", "bench", "migrations", "tests", ".git"}
# Written, not configured: Django's own bootstrap (manage.py, wsgi, asgi use setdefault).
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}

NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|")


# --- the code -------------------------------------------------------------------------------------
def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _reader_arg(call: ast.Call) -> ast.expr | None:
    """The name argument of ``call`` when it reads the environment, else None."""
    func = call.func
    if not call.args:
        return None
    # django-environ: env("X"), env.str("X"), env.bool("X"), env.db("X"), ...
    if isinstance(func, ast.Name) and func.id == "env":
        return call.args[0]
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env":
        return call.args[0]
    # os.environ.get("X"), os.environ.pop("X"), os.getenv("X")
    if isinstance(func, ast.Attribute) and func.attr in {"get", "pop"} and _is_os_environ(func.value):
        return call.args[0]
    if (
        isinstance(func, ast.Attribute)
        and func.attr == "getenv"
        and isinstance(func.value, ast.Name)
        and func.value.id == "os"
    ):
        return call.args[0]
    return None


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAME.match(node.value):
        return node.value
    return None


def env_reads(path: Path) -> set[str]:
    """The environment variables the module at ``path`` reads."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    # Helpers that read the variable named by one of their parameters: def _int(name, default).
    helpers: set[str] = set()
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        params = {a.arg for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs}
        for call in ast.walk(fn):
            if isinstance(call, ast.Call):
                arg = _reader_arg(call)
                if isinstance(arg, ast.Name) and arg.id in params:
                    helpers.add(fn.name)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _literal(_reader_arg(node))
            if name is None and isinstance(node.func, ast.Name) and node.func.id in helpers and node.args:
                name = _literal(node.args[0])
            if name:
                found.add(name)
        elif (
            isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_os_environ(node.value)
        ):
            name = _literal(node.slice)
            if name:
                found.add(name)
        elif isinstance(node, ast.Compare) and any(_is_os_environ(c) for c in node.comparators):
            name = _literal(node.left)
            if name:
                found.add(name)
    return found - NOT_SETTINGS


def runtime_modules() -> list[Path]:
    modules = []
    for directory, subdirs, files in os.walk(ROOT):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRS and not d.startswith("."))
        modules += [
            Path(directory, f) for f in sorted(files) if f.endswith(".py") and not f.startswith("test_")
        ]
    return modules


def runtime_reads() -> dict[str, set[str]]:
    """Variable -> the modules (relative paths) that read it."""
    readers: dict[str, set[str]] = {}
    for path in runtime_modules():
        for name in env_reads(path):
            readers.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return readers


# --- the reference and .env.example --------------------------------------------------------------
def reference_tables() -> dict[str, list[str]]:
    """Heading -> the variables of the table under it, in order, for the section
    "## Configuration reference" of docs/operations.md (each row's first cell, one name a row)."""
    tables: dict[str, list[str]] = {}
    inside = False
    heading = ""
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            inside = line.strip() == "## Configuration reference"
            continue
        if not inside:
            continue
        if line.startswith("### "):
            heading = line[4:].strip()
            continue
        match = ROW.match(line)
        if match:
            cell = match.group(1)
            assert NAME.match(cell), f"{REFERENCE.name}: one variable per row, got {cell!r} ({heading})"
            tables.setdefault(heading, []).append(cell)
    return tables


def env_example_names() -> list[str]:
    """Variable names of .env.example in order (set `NAME=` or commented-out `# NAME=`)."""
    line_re = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=")
    return [
        m.group(1)
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if (m := line_re.match(line))
    ]


# --- the tests ------------------------------------------------------------------------------------
def test_the_parsers_find_something() -> None:
    """Guards the checks below against passing vacuously (a renamed heading, a changed idiom)."""
    assert len(env_reads(SETTINGS)) >= 30
    assert any("settings.py" in heading for heading in reference_tables())
    assert len(env_example_names()) >= 30


def test_the_reference_names_exactly_what_settings_reads() -> None:
    tables = reference_tables()
    (settings_heading,) = [h for h in tables if "caja/settings.py" in h]
    documented = set(tables[settings_heading])
    read = env_reads(SETTINGS)
    assert not read - documented, f"read by caja/settings.py, missing from {settings_heading!r}"
    assert not documented - read, f"in {settings_heading!r}, not read by caja/settings.py"


def test_the_reference_names_exactly_what_the_code_reads_each_once() -> None:
    tables = reference_tables()
    listed = [name for names in tables.values() for name in names]
    duplicates = sorted({name for name in listed if listed.count(name) > 1})
    assert not duplicates, f"described more than once in {REFERENCE.name}: {duplicates}"
    readers = runtime_reads()
    undocumented = {name: sorted(paths) for name, paths in readers.items() if name not in listed}
    assert not undocumented, f"read by the code, missing from {REFERENCE.name}: {undocumented}"
    unread = sorted(set(listed) - set(readers))
    assert not unread, f"in {REFERENCE.name}, read by no runtime module: {unread}"


def test_each_table_is_sorted() -> None:
    for heading, names in reference_tables().items():
        assert names == sorted(names), f"{REFERENCE.name}, {heading!r} is not in alphabetical order"


def test_env_example_lists_the_reference_in_its_order() -> None:
    listed = [name for names in reference_tables().values() for name in names]
    assert env_example_names() == listed
