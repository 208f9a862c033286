"""Readable units for system-metric tags: the unit is the last part of a ``sys/...`` tag's name
(``sys/cpu_percent``, ``sys/gpu0/power_W``, ``sys/net_recv_MBps``), as tbx-log and
``SummaryWriter(system_metrics=True)`` write them."""

from __future__ import annotations

SYS_PREFIX = "sys/"
#: Group title of the system metrics in the scalars view.
SYS_GROUP_TITLE = "sys (system metrics)"

_SUFFIXES = (
    ("_percent", "%"),
    ("_MBps", "MB/s"),
    ("_GB", "GB"),
    ("_MB", "MB"),
    ("_W", "W"),
    ("_C", "°C"),
)


def unit_of(tag: str) -> str:
    """The unit of a ``sys/`` tag (``%``, ``GB``, ``MB/s``, ``W``, ``°C``), else ``""``."""
    if not tag.startswith(SYS_PREFIX):
        return ""
    for suffix, unit in _SUFFIXES:
        if tag.endswith(suffix):
            return unit
    return ""


def with_unit(value_text: str, unit: str, ascii: bool = False) -> str:
    """``42.5 %``, ``71 °C`` (``71 C`` when only ASCII can be drawn)."""
    if not unit:
        return value_text
    if ascii:
        unit = unit.replace("°", "")
    return f"{value_text} {unit}" if unit != "%" else f"{value_text}%"
