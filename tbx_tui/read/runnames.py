"""What makes a folder a run, and a quick look at a local logdir's run names.

Light on purpose (no numpy, no protobuf): the app lists the runs in its first frame, before the
reader has loaded; the reader's own listing (:class:`tbx_tui.read.logdir.Logdir`) then takes over.
"""

from __future__ import annotations

import os
import time

from tbx_tui.storage.location import is_url, local_path

#: A quick look visits at most this many folders, for at most this long (a cold network file
#: system): a bigger or slower logdir shows its runs once the reader has listed it.
QUICK_LOOK_FOLDERS = 400
QUICK_LOOK_SECONDS = 0.03


def is_event_file(name: str) -> bool:
    """Event files: ``tfevents`` in the name; not profiler stubs, not dot-files (rsync temps)."""
    return "tfevents" in name and not name.endswith(".profile-empty") and not name.startswith(".")


def run_name(folder: str) -> str:
    """The run name of a folder given relative to the logdir with ``/`` ("" is the logdir)."""
    return folder or "."


def quick_run_names(
    logdir: str,
    max_folders: int = QUICK_LOOK_FOLDERS,
    max_seconds: float = QUICK_LOOK_SECONDS,
) -> list[str]:
    """The runs of a local ``logdir`` (folders holding an event file), sorted, from at most
    ``max_folders`` folders looked at within ``max_seconds``; none for a URL. Links to folders
    are not followed and unreadable folders are skipped: the reader's listing, which does both,
    completes it."""
    if is_url(logdir):
        return []
    found: list[str] = []
    stack = [(local_path(logdir), "")]
    visited = 0
    deadline = time.monotonic() + max_seconds
    while stack and visited < max_folders and time.monotonic() < deadline:
        path, rel = stack.pop()
        visited += 1
        try:
            with os.scandir(path) as entries:
                holds_events = False
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((entry.path, f"{rel}/{entry.name}" if rel else entry.name))
                    elif is_event_file(entry.name):
                        holds_events = True
        except OSError:
            continue
        if holds_events:
            found.append(run_name(rel))
    return sorted(found)
