"""Telling URLs from local paths, and getting the fsspec file system for a URL.

A logdir like ``s3://bucket/prefix`` (or ``gs://``, ``az://``, any fsspec protocol) is remote;
everything else, ``file://`` URLs included, is a local path. fsspec and the protocol's own package
(s3fs, gcsfs, adlfs) are optional: without them a URL gives :class:`MissingBackend`, an
``ImportError`` that says what to install, never a local folder named ``s3:``.
"""

from __future__ import annotations

import re
from typing import Any

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")

#: Protocol -> the tbx-tui extra that installs its fsspec backend.
EXTRAS = {
    "s3": "s3",
    "s3a": "s3",
    "gs": "gcs",
    "gcs": "gcs",
    "az": "azure",
    "abfs": "azure",
    "abfss": "azure",
    "adl": "azure",
}


class MissingBackend(ImportError):
    """A URL logdir whose fsspec backend is not installed."""


def protocol(path: str) -> str | None:
    """The URL scheme of ``path`` (``"s3"``), or None for a local path (``file://`` included)."""
    m = _URL.match(path)
    if m is None or m.group(1).lower() == "file":
        return None
    return m.group(1).lower()


def is_url(path: str) -> bool:
    return protocol(path) is not None


def local_path(path: str) -> str:
    """``file:///x`` -> ``/x``; other paths unchanged."""
    return path[len("file://") :] if path.lower().startswith("file://") else path


def _install_hint(proto: str) -> str:
    extra = EXTRAS.get(proto)
    if extra is not None:
        return f'pip install "tbx-tui[{extra}]"'
    return f"pip install fsspec and the fsspec package for {proto}://"


def filesystem(url: str) -> tuple[Any, str]:
    """``(fsspec file system, path without protocol)`` for ``url``.

    Credentials and endpoints come from the backend's own configuration (for S3: the AWS
    environment variables and files, ``AWS_ENDPOINT_URL`` included). Raises
    :class:`MissingBackend` when fsspec or the protocol's package is missing.
    """
    proto = protocol(url) or "file"
    try:
        import fsspec.core
    except ImportError as exc:
        raise MissingBackend(
            f"{url}: {proto}:// logdirs need fsspec: {_install_hint(proto)}"
        ) from exc
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except ImportError as exc:
        raise MissingBackend(
            f"{url}: {proto}:// logdirs need a package that is not installed ({exc}): "
            f"{_install_hint(proto)}"
        ) from exc
    except ValueError as exc:  # an unknown protocol
        raise MissingBackend(f"{url}: {exc}") from exc
    return fs, path.rstrip("/")
