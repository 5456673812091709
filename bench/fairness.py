"""A fair quiz start (issue 26): when does each phone first see a quiz question, against opens_at?

`make bench-fairness` (or `bash bench/run.sh fairness`), about a minute and a half. The same stack as
`make bench` (PostgreSQL, Redis, Caja under gunicorn with deploy/gunicorn.conf.py, nginx with
deploy/nginx.conf and its 1-second micro-cache in front), then for each lead-in in
BENCH_LEAD_INS ("0 3"):

1. a session with a live poll, a quiz next (that lead-in) and BENCH_PHONES (2000) participants;
2. BENCH_PHONES simulated phones poll /state through nginx like the phone page does: a token each,
   If-None-Match, the next poll 2 s after the last answer, jittered ±10 %, phases spread at random;
3. after BENCH_WARMUP (6) s the organizer presses Next (the service POST .../next runs) and the
   phones poll on until each has seen the quiz, at most 8 s;
4. per phone: when it first saw the question, measured as `opens_at − first seen` (positive:
   before answers opened), and, per answer, the error of the clock offset the page computes: from
   the body's `server_time` (up to a second old when micro-cached) and from nginx's `X-Caja-Now`.

One asyncio process plays every phone over BENCH_CONNECTIONS (256) keep-alive connections; its own
lateness (a poll sent after it was due) is reported too, since it shares the 2 cores.
Prints a Markdown table and writes bench/out/fairness.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import PY, Nginx, Server, Stores, app_env, markdown_table, out_dir, sh  # noqa: E402

INTERVAL = 2.0
JITTER = 0.1
AFTER_NEXT = 8.0


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Conn:
    """One keep-alive HTTP/1.1 connection to nginx (GET only; Content-Length or chunked bodies)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"] + [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *rest = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        hdrs = {}
        for line in rest:
            if ":" in line:
                k, v = line.split(":", 1)
                hdrs[k.strip().lower()] = v.strip()
        body = b""
        if "content-length" in hdrs:
            body = await self.reader.readexactly(int(hdrs["content-length"]))
        elif hdrs.get("transfer-encoding") == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        if hdrs.get("connection") == "close":
            self.writer.close()
            self.writer = None
        return status, hdrs, body


async def run_phones(
    port: int, state_path: str, tokens: list[str], quiz_id: str, session_id: str, env: dict[str, str]
) -> dict[str, Any]:
    conns: asyncio.Queue[Conn] = asyncio.Queue()
    for _ in range(int(os.environ.get("BENCH_CONNECTIONS", "256"))):
        conns.put_nowait(Conn(port))
    marker = quiz_id.encode()
    seen: dict[int, float] = {}
    late: list[float] = []
    errors: dict[str, list[float]] = {"body": [], "header": []}  # clock-offset error per 200 answer, s
    statuses: dict[int, int] = {}
    pressed: dict[str, Any] = {}
    stop_at = [float("inf")]
    warmup = float(os.environ.get("BENCH_WARMUP", "6"))

    async def phone(i: int) -> None:
        etag = ""
        due = time.time() + random.uniform(0, INTERVAL)
        while time.time() < stop_at[0] and i not in seen:
            await asyncio.sleep(max(0.0, due - time.time()))
            conn = await conns.get()
            sent = time.time()
            late.append(sent - due)
            headers = {"X-Participant-Token": tokens[i]}
            if etag:
                headers["If-None-Match"] = etag
            try:
                status, hdrs, body = await conn.get(state_path, headers)
            except (OSError, asyncio.IncompleteReadError):
                conn.writer = None
                status, hdrs, body = 0, {}, b""
            finally:
                conns.put_nowait(conn)
            received = time.time()
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                etag = hdrs.get("etag", "")
                if marker in body:  # the quiz's id: in the state only once it is live
                    seen.setdefault(i, received)
                if pressed:
                    state = json.loads(body)
                    server = state.get("server_time", "")
                    stamp = datetime.fromisoformat(server.replace("Z", "+00:00")).timestamp()
                    errors["body"].append(received - stamp)
                    if hdrs.get("x-caja-now"):
                        errors["header"].append(received - float(hdrs["x-caja-now"]))
            due = received + INTERVAL * random.uniform(1 - JITTER, 1 + JITTER)

    async def organizer() -> None:
        await asyncio.sleep(warmup)
        proc = await asyncio.create_subprocess_exec(
            PY, "bench/setup_session.py", "next", session_id, env=env, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await proc.communicate()
        pressed.update(json.loads(out.decode().splitlines()[-1]))
        stop_at[0] = pressed["activated_at"] + AFTER_NEXT

    await asyncio.gather(organizer(), *(phone(i) for i in range(len(tokens))))
    return {"seen": seen, "late": late, "errors": errors, "statuses": statuses, "pressed": pressed}


def measure(env: dict[str, str], port: int, n: int, lead_in: int) -> dict[str, Any]:
    out = sh(PY, "bench/setup_session.py", "quiz", str(n), str(lead_in), env=env)
    setup = json.loads(out.splitlines()[-1])
    tokens = Path(setup["tokens_file"]).read_text().split()
    state_path = f"/api/v1/sessions/{setup['session_id']}/state"
    got = asyncio.run(run_phones(port, state_path, tokens, setup["quiz_id"], setup["session_id"], env))
    pressed, seen = got["pressed"], got["seen"]
    after_press = [t - pressed["activated_at"] for t in seen.values()]
    before_open = [pressed["opens_at"] - t for t in seen.values()]
    never = n - len(seen)
    late_share = (sum(1 for b in before_open if b < 0) + never) / n
    return {
        "lead_in_s": lead_in,
        "phones": n,
        "saw_it": len(seen),
        "seen_after_next_p50_s": round(pct(after_press, 50), 2),
        "seen_after_next_p99_s": round(pct(after_press, 99), 2),
        "seen_after_next_max_s": round(max(after_press, default=float("nan")), 2),
        "before_opens_p50_s": round(pct(before_open, 50), 2),
        # 99 % of the phones saw the question at least this long before answers opened.
        "before_opens_p99_s": round(pct(before_open, 1), 2),
        "before_opens_min_s": round(min(before_open, default=float("nan")), 2),
        "after_opening_share": f"{late_share:.1%}",
        "clock_err_body_p99_s": round(pct(got["errors"]["body"], 99), 3),
        "clock_err_header_p99_s": round(pct(got["errors"]["header"], 99), 3),
        "poll_late_p99_s": round(pct(got["late"], 99), 3),
        "statuses": got["statuses"],
    }


def main() -> int:
    out = out_dir("gunicorn.log", "nginx.log")
    n = int(os.environ.get("BENCH_PHONES", "2000"))
    lead_ins = [int(x) for x in os.environ.get("BENCH_LEAD_INS", "0 3").split()]
    stores = Stores(
        pg_state_file="/tmp/caja-bench-fair-pg.state",  # noqa: S108
        redis_port="63798",
        fsync=os.environ.get("BENCH_FSYNC", "off"),
    )
    tmp = Path(tempfile.mkdtemp(prefix="caja-bench-fair-"))
    servers: list[Any] = []
    rows: list[dict[str, Any]] = []
    try:
        env = app_env(stores.db_url, stores.redis_url)
        sh(PY, "manage.py", "migrate", "--noinput", env=env)
        app = Server(env, "caja.wsgi", "/health")
        servers.append(app)
        static_root = tmp / "static"
        static_root.mkdir()
        (static_root / "c0.json").write_bytes(b"{}")
        nginx = Nginx(tmp, app.port, static_root)
        servers.append(nginx)
        for lead_in in lead_ins:
            rows.append(measure(env, nginx.port, n, lead_in))
            print(json.dumps(rows[-1]), flush=True)
    finally:
        for server in reversed(servers):
            server.stop()
        stores.stop()
    (out / "fairness.json").write_text(json.dumps(rows, indent=2) + "\n")
    print(markdown_table([{k: v for k, v in r.items() if k != "statuses"} for r in rows]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
