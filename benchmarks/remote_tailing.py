"""What watching an S3 logdir costs per poll: requests and bytes, for N runs that each got one
new record since the last poll (issue 13). Side by side with the floor and a naive reader.

A real S3 API (moto's server, on loopback) holds N runs written by ``SummaryWriter("s3://...")``;
every poll, each run's writer logs one scalar and flushes (one new object per run). Then
``Logdir.refresh()`` runs once and we count, at the server, the HTTP requests it made, and the
payload bytes it fetched. The floor is one listing page per 1,000 objects plus one GET per new
object; the naive reader lists and then downloads every object in full.

Usage: pip install -e ".[test]" && python benchmarks/remote_tailing.py [N ...]  (default 10 100)
"""

from __future__ import annotations

import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from statistics import median

POLLS = 3  # of each kind


def start_server() -> tuple[subprocess.Popen, str, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tempfile.NamedTemporaryFile(prefix="moto-", suffix=".log", delete=False).name
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=open(log, "w"),  # noqa: SIM115 - werkzeug logs one line per request here
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc, endpoint, log


def requests_in(log: str, since: int) -> tuple[list[str], int]:
    """The reading requests (GET, HEAD) logged after line ``since``, and the new line count."""
    with open(log) as f:
        lines = [re.sub(r"\x1b\[[0-9;]*m", "", ln) for ln in f.readlines()]
    return [ln for ln in lines[since:] if '"GET ' in ln or '"HEAD ' in ln], len(lines)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10, 100]
    proc, endpoint, log = start_server()
    os.environ.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
    )
    from tbx_tui import SummaryWriter
    from tbx_tui.read.logdir import Logdir
    from tbx_tui.storage.files import RemoteStorage

    try:
        print(
            "N runs, one new record each | requests/poll | bytes fetched/poll | floor req |"
            " naive req | naive bytes"
        )
        for n in sizes:
            bucket = f"s3://bench-{n}"
            RemoteStorage(bucket).fs.mkdir(bucket[5:])
            writers = [SummaryWriter(f"{bucket}/run{i:04d}") for i in range(n)]
            step = 0
            for w in writers:
                w.add_scalar("loss", 1.0, step)
                w.flush()
            ld = Logdir(bucket)
            ld.refresh()
            fetched = [0]
            read = ld.storage.read

            def counting(path, start, end, read=read, fetched=fetched):
                data = read(path, start, end)
                fetched[0] += len(data)
                return data

            ld.storage.read = counting
            _, mark = requests_in(log, 0)
            reqs, byts, secs = [], [], {True: [], False: []}
            concurrent = ld.storage.prefetch
            for poll in range(2 * POLLS):
                # alternate: ranges fetched concurrently (the default), and one by one
                together = poll % 2 == 0
                ld.storage.prefetch = concurrent if together else (lambda ranges: None)
                step += 1
                for w in writers:
                    w.add_scalar("loss", float(step), step)
                    w.flush()
                _, mark = requests_in(log, mark)  # the writers' PUTs are not the reader's
                fetched[0] = 0
                t0 = time.perf_counter()
                ld.refresh()
                secs[together].append(time.perf_counter() - t0)
                got, mark = requests_in(log, mark)
                reqs.append(len(got))
                byts.append(fetched[0])
            assert all(len(r.scalars["loss"]) == 2 * POLLS + 1 for r in ld.runs.values())
            objects = sum(len(f) for f in ld.storage.scan(lambda _: True).folders.values())
            total = sum(fs.size for r in ld.runs for fs in ld.file_states(r))
            floor = math.ceil(objects / 1000) + n
            naive = math.ceil(objects / 1000) + objects
            print(
                f"{n:>27} | {sum(reqs) / len(reqs):13.1f} | {sum(byts) / len(byts):18,.0f} |"
                f" {floor:9} | {naive:9} | {total:11,}"
            )
            print(
                f"{'':>27}   seconds per poll: {median(secs[True]):.3f} with the ranges fetched"
                f" concurrently, {median(secs[False]):.3f} one by one"
            )
            for w in writers:
                w.close()
    finally:
        proc.kill()
        proc.wait()
        os.unlink(log)


if __name__ == "__main__":
    main()
