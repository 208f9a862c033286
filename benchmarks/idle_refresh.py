"""Cost of watching a logdir with many event files (issue 9 item 10), side by side with its floor.

Builds one run holding N event files (default 10,000, one record each) and measures the CPU time
of :meth:`Logdir.refresh`:

- idle: nothing changed since the last refresh;
- one grows: one of the N files got one more record before each refresh;
- floor: what any poller must do, one ``os.scandir`` of the folder and one ``stat`` per file,
  with nothing else.

Reported as ms per refresh and as % of one core at the app's cadences: every 5 s (watching:
watchdog wakes it on writes, plus a safety refresh every 5 s) and every 1 s (``--poll 1``).
Usage: python benchmarks/idle_refresh.py [N]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from tbx_tui.read.logdir import Logdir
from tbx_tui.tfrecord.record import encode_record

ROUNDS = 20


def _record(step: int) -> bytes:
    from tbx_tui.proto import event_pb2

    ev = event_pb2.Event(wall_time=1.0e9 + step, step=step)
    ev.summary.value.add(tag="x", simple_value=float(step))
    return encode_record(ev.SerializeToString())


def _cpu_ms(fn) -> float:
    best = []
    for _ in range(ROUNDS):
        t0 = time.process_time()
        fn()
        best.append(time.process_time() - t0)
    best.sort()
    return 1000 * best[len(best) // 2]  # median


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as root:
        run = os.path.join(root, "run")
        os.makedirs(run)
        for i in range(n):
            with open(os.path.join(run, f"events.out.tfevents.{i:06d}.host"), "wb") as f:
                f.write(_record(i))
        ld = Logdir(root)
        ld.refresh()
        assert len(ld.runs["run"].scalars["x"]) == n

        def floor() -> None:
            with os.scandir(run) as it:
                for entry in it:
                    entry.stat()

        grow_path = os.path.join(run, f"events.out.tfevents.{n // 2:06d}.host")
        step = [n]

        def grow_and_refresh() -> None:
            with open(grow_path, "ab") as f:
                f.write(_record(step[0]))
            step[0] += 1
            assert ld.refresh() == {"run"}

        idle = _cpu_ms(lambda: ld.refresh())
        grows = _cpu_ms(grow_and_refresh)
        base = _cpu_ms(floor)
    print(f"{n:,} event files in one run; CPU per refresh (median of {ROUNDS}):")
    for name, ms in (("idle", idle), ("one file grows", grows), ("floor: scandir+stat", base)):
        print(
            f"  {name:20s} {ms:7.1f} ms  = {ms / 50:5.2f} % of a core every 5 s,"
            f" {ms / 10:5.2f} % every 1 s  ({ms / base:.1f}x floor)"
        )


if __name__ == "__main__":
    main()
