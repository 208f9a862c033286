"""Listing and reading a logdir's files, the same way for local folders and object stores.

One :meth:`~LocalStorage.scan` call per poll returns every wanted file under the root with its
size and identity (local: one ``scandir`` per folder and one ``stat`` per file; remote: one
recursive listing, which object stores answer in pages of about 1000 keys). Reads are ranged:
only ``[start, end)`` of a file is fetched, so tailing costs the new bytes only.

Local walks follow symlinked folders once each, loop-safe: folders are told apart by (device,
inode), and links are followed only after every real folder, so a run reachable both directly and
through a link keeps its real name. Unreadable folders are reported in :attr:`Listing.denied`.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from stat import S_ISREG
from typing import Any, NamedTuple

from tbx_tui.storage.location import filesystem, is_url, local_path


class StorageError(OSError):
    """A remote store could not be listed or read (network, credentials, throttling...)."""


class FileInfo(NamedTuple):
    """One file as listed: ``ident`` changes when the file is replaced (inode, ETag). A tuple,
    so that a folder's listing compares with the previous one in one C-level step."""

    path: str
    size: int
    mtime: object
    ident: object


@dataclass
class Listing:
    #: Folder relative to the root ("" for the root, "/" separated) -> its wanted files, by name.
    folders: dict[str, list[FileInfo]] = field(default_factory=dict)
    #: Folders that could not be read (permission denied), relative like the keys above.
    denied: dict[str, str] = field(default_factory=dict)


def _rel(parent: str, name: str) -> str:
    return f"{parent}/{name}" if parent else name


class LocalStorage:
    """A folder on a local (or mounted network) file system."""

    remote = False

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(local_path(root))

    def scan(self, keep: Callable[[str], bool]) -> Listing:
        listing = Listing()
        seen: set[tuple[int, int]] = set()
        try:
            st = os.stat(self.root)
            seen.add((st.st_dev, st.st_ino))
        except PermissionError:
            listing.denied[""] = self.root
            return listing
        except OSError:
            return listing
        stack: list[tuple[str, str]] = [(self.root, "")]
        links: list[tuple[str, str]] = []
        while stack or links:
            if not stack:
                path, rel = links.pop(0)
                try:
                    st = os.stat(path)  # through the link
                except OSError:
                    continue  # dangling or unreadable link target
                if (st.st_dev, st.st_ino) not in seen:
                    seen.add((st.st_dev, st.st_ino))
                    stack.append((path, rel))
                continue
            path, rel = stack.pop()
            self._scan(path, rel, keep, listing, seen, stack, links)
        return listing

    def _scan(
        self,
        path: str,
        rel: str,
        keep: Callable[[str], bool],
        listing: Listing,
        seen: set[tuple[int, int]],
        stack: list[tuple[str, str]],
        links: list[tuple[str, str]],
    ) -> None:
        """One folder: its wanted files into ``listing``, subfolders onto ``stack``, links to
        folders onto ``links`` (followed once every real folder has been seen)."""
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except PermissionError:
            listing.denied[rel] = path
            return
        except OSError:  # vanished meanwhile
            return
        files: list[FileInfo] = []
        new_links = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    seen.add((st.st_dev, st.st_ino))
                    stack.append((entry.path, _rel(rel, entry.name)))
                elif keep(entry.name):
                    st = entry.stat()  # through a link to a file, too
                    if S_ISREG(st.st_mode):
                        files.append(FileInfo(entry.path, st.st_size, st.st_mtime_ns, st.st_ino))
                elif entry.is_symlink() and entry.is_dir():
                    new_links.append((entry.path, _rel(rel, entry.name)))
            except OSError:
                continue
        links.extend(sorted(new_links))
        if files:
            files.sort()  # by path, which within one folder is by name
            listing.folders[rel] = files

    def prefetch(self, ranges: list[tuple[str, int, int]]) -> None:
        """Local reads are cheap one by one: nothing to do."""

    def read(self, path: str, start: int, end: int) -> bytes:
        with open(path, "rb") as f:
            f.seek(start)
            return f.read(end - start)


_IDENT_KEYS = ("ETag", "etag", "generation", "md5Hash", "content_md5")
_MTIME_KEYS = ("LastModified", "last_modified", "mtime", "updated", "modified")


def _first_key(info: dict[str, Any], keys: tuple[str, ...]) -> object:
    for key in keys:
        value = info.get(key)
        if value is not None:
            return str(value)
    return None


class RemoteStorage:
    """A prefix in an object store (or any fsspec file system), given as a URL."""

    remote = True

    def __init__(self, url: str) -> None:
        self.fs, self.root_path = filesystem(url)
        self.root = url.rstrip("/")
        self._prefetched: dict[tuple[str, int, int], bytes] = {}

    def scan(self, keep: Callable[[str], bool]) -> Listing:
        listing = Listing()
        try:
            self.fs.invalidate_cache(self.root_path)
            found = self.fs.find(self.root_path, detail=True)
        except FileNotFoundError:
            return listing
        except Exception as exc:  # botocore, aiohttp, timeouts, credentials: all retried
            raise StorageError(f"cannot list {self.root}: {type(exc).__name__}: {exc}") from exc
        prefix = self.root_path + "/"
        for path, info in sorted(found.items()):
            if info.get("type", "file") != "file" or not path.startswith(prefix):
                continue
            folder, name = posixpath.split(path[len(prefix) :])
            if not keep(name):
                continue
            mtime = _first_key(info, _MTIME_KEYS)
            ident = _first_key(info, _IDENT_KEYS) or mtime
            url = f"{self.root}/{path[len(prefix) :]}"
            size = int(info.get("size") or 0)
            listing.folders.setdefault(folder, []).append(FileInfo(url, size, mtime, ident))
        return listing

    def prefetch(self, ranges: list[tuple[str, int, int]]) -> None:
        """Fetch these ranges concurrently (fsspec's ``cat_ranges``); :meth:`read` of exactly
        one of them then costs no request. A range that failed is simply read again."""
        self._prefetched = {}
        if len(ranges) < 2:
            return
        paths = [r[0] for r in ranges]
        starts = [r[1] for r in ranges]
        ends = [r[2] for r in ranges]
        try:
            results = self.fs.cat_ranges(paths, starts, ends, on_error="return")
        except Exception:  # each read will try again on its own, and say what failed
            return
        for key, data in zip(ranges, results, strict=True):
            if isinstance(data, bytes):
                self._prefetched[key] = data

    def read(self, path: str, start: int, end: int) -> bytes:
        data = self._prefetched.pop((path, start, end), None)
        if data is not None:
            return data
        try:
            return self.fs.cat_file(path, start=start, end=end)
        except (PermissionError, FileNotFoundError):
            raise  # this file only: a warning on its run
        except Exception as exc:
            raise StorageError(f"cannot read {path}: {type(exc).__name__}: {exc}") from exc


Storage = LocalStorage | RemoteStorage


def open_storage(root: str) -> Storage:
    """The storage for a logdir: remote for a URL (raises MissingBackend), else local."""
    return RemoteStorage(root) if is_url(root) else LocalStorage(root)


def read_range(path: str, start: int, end: int) -> bytes:
    """``[start, end)`` of one file, local or a URL (for reading an image's bytes on demand)."""
    if is_url(path):
        fs, stripped = filesystem(path)
        return fs.cat_file(stripped, start=start, end=end)
    with open(local_path(path), "rb") as f:
        f.seek(start)
        return f.read(end - start)
