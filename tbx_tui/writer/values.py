"""Turning what users pass (numbers, numpy, torch, JAX, anything array-like) into numbers.

Nothing here imports torch or jax: objects are recognised by what they offer (``__array__``,
``.item()``, ``.numpy()``, ``.device``). A value that lives on an accelerator is not read on the
calling thread: :func:`capture` takes a device-side copy (``detach().clone()``, which only queues
work on the device) and returns a :class:`Deferred` that the writer's background thread resolves
later, so a training loop never waits for the device because it logged something.
"""

from __future__ import annotations

import math
import numbers
import sys
from typing import Any

import numpy as np

__all__ = [
    "Deferred",
    "capture",
    "check_step",
    "clean_tag",
    "check_tag",
    "resolve_array",
    "resolve_many",
    "resolve_scalar",
    "to_array",
    "to_scalar",
]

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_NOT_A_TAG_CHAR = None  # compiled lazily by clean_tag


class Deferred:
    """A value captured on a device at call time, read on the background thread."""

    __slots__ = ("obj", "tag", "scalar")

    def __init__(self, obj: object, tag: str, scalar: bool) -> None:
        self.obj = obj
        self.tag = tag
        self.scalar = scalar

    def resolve(self):
        if self.scalar:
            return resolve_scalar(self.obj, self.tag)
        return resolve_array(self.obj, self.tag)


def resolve_many(deferred: list[Deferred]) -> list:
    """Each deferred scalar's float (or the exception reading it raised).

    Torch tensors on one device are read together: one ``cat`` and one copy to the host, so the
    writer's thread waits for the device once per batch rather than once per value.
    """
    out: list = [None] * len(deferred)
    torch = sys.modules.get("torch")  # already imported by whoever made the tensors
    if torch is not None:
        groups: dict = {}
        for i, d in enumerate(deferred):
            obj = d.obj
            if d.scalar and isinstance(obj, torch.Tensor) and not obj.is_complex():
                groups.setdefault(obj.device, []).append(i)
        for idx in groups.values():
            if len(idx) < 2:
                continue
            try:
                flat = torch.cat([deferred[i].obj.reshape(1) for i in idx])
                for i, v in zip(idx, flat.to("cpu", torch.float64).tolist(), strict=True):
                    out[i] = float(v)
            except Exception:  # fall back to one at a time, which names the tag on error
                pass
    for i, d in enumerate(deferred):
        if out[i] is None:
            try:
                out[i] = d.resolve()
            except Exception as exc:
                out[i] = exc
    return out


def check_tag(tag: object, what: str = "tag") -> str:
    if not isinstance(tag, str):
        raise TypeError(f"{what} must be a str, got {type(tag).__name__} ({tag!r:.60})")
    return tag


def clean_tag(tag: str) -> str:
    """TensorBoard's tag alphabet: letters, digits, ``_ - . /``, no leading slash.

    Anything else becomes ``_``, as tensorboardX does, so both write the same tag.
    """
    global _NOT_A_TAG_CHAR
    if _NOT_A_TAG_CHAR is None:
        import re

        _NOT_A_TAG_CHAR = re.compile(r"[^\w./-]")
    return _NOT_A_TAG_CHAR.sub("_", tag).lstrip("/")


def check_step(step: Any, tag: str) -> int:
    """A step as a Python int in int64 range (``None`` is step 0, as in tensorboardX).

    A float is taken only when it is a whole number: ``1.5`` is refused, not truncated."""
    if step is None:
        return 0
    if isinstance(step, bool) or isinstance(step, (str, bytes)):
        raise TypeError(f"{tag!r}: global_step must be an integer, got {type(step).__name__}")
    try:
        value = int(step)  # ints, numpy integers, 0-d tensors, floats with integral meaning
    except (TypeError, ValueError, OverflowError) as exc:
        raise TypeError(
            f"{tag!r}: global_step must be an integer, got {type(step).__name__} ({step!r:.40})"
        ) from exc
    if _is_float(step) and float(step) != value:
        raise ValueError(f"{tag!r}: global_step must be a whole number, got {step!r:.40}")
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise ValueError(f"{tag!r}: global_step {value} does not fit in int64")
    return value


def _is_float(x: object) -> bool:
    """A float, numpy floating scalar or floating-point tensor (by its dtype's name)."""
    if isinstance(x, float | np.floating):
        return True
    dtype = getattr(x, "dtype", None)
    return dtype is not None and ("float" in str(dtype) or "half" in str(dtype))


def _on_device(x: object) -> bool:
    """True for tensors that live on an accelerator (reading them would wait for it)."""
    if getattr(x, "is_cuda", False) is True:
        return True
    device = getattr(x, "device", None)
    if device is None:
        return False
    kind = getattr(device, "type", None)  # torch.device
    if isinstance(kind, str):
        return kind not in ("cpu", "meta")
    platform = getattr(device, "platform", None)  # jax Device
    return isinstance(platform, str) and platform != "cpu"


def _is_jax(x: object) -> bool:
    return type(x).__module__.startswith(("jax", "jaxlib"))


def _size(x: object) -> int | None:
    """Number of elements from metadata only (never reads device memory)."""
    shape = getattr(x, "shape", None)
    if shape is None:
        return None
    try:
        return math.prod(int(d) for d in shape)
    except (TypeError, ValueError):
        return None


def capture(x: object, tag: str, scalar: bool) -> Deferred | None:
    """A :class:`Deferred` for an accelerator tensor (without waiting for it), else None."""
    if not _on_device(x):
        return None
    if scalar:
        n = _size(x)
        if n is not None and n != 1:
            raise ValueError(f"{tag!r}: a scalar must hold exactly one value, got {n} values")
    if _is_jax(x):
        return Deferred(x, tag, scalar)  # JAX arrays are immutable: no copy needed
    detach = getattr(x, "detach", None)
    copy = detach() if detach is not None else x
    clone = getattr(copy, "clone", None)
    if clone is not None:
        copy = clone()  # queued on the device stream: the value as of this call
    return Deferred(copy, tag, scalar)


def _not_a_number(x: object, tag: str) -> TypeError:
    return TypeError(
        f"{tag!r}: value must be a number or array, got {type(x).__name__} ({x!r:.60})"
    )


def resolve_scalar(x: object, tag: str) -> float:
    """One number from anything number-like; TypeError/ValueError naming ``tag`` otherwise."""
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        try:
            return float(x)
        except OverflowError:
            return math.copysign(math.inf, x)
    if isinstance(x, bool | np.bool_):
        return float(x)
    if isinstance(x, (str, bytes, bytearray)) or x is None:
        raise _not_a_number(x, tag)
    if isinstance(x, np.generic):
        if not np.issubdtype(x.dtype, np.number):
            raise _not_a_number(x, tag)
        if np.iscomplexobj(x):
            raise TypeError(f"{tag!r}: a scalar must be real, got {x.dtype}")
        return float(x)
    if isinstance(x, numbers.Real):
        return float(x)
    if isinstance(x, (list, tuple, np.ndarray)) or hasattr(x, "__array__"):
        arr = resolve_array(x, tag)
        if arr.size != 1:
            raise ValueError(
                f"{tag!r}: a scalar must hold exactly one value, got shape {tuple(arr.shape)}"
            )
        if np.iscomplexobj(arr):
            raise TypeError(f"{tag!r}: a scalar must be real, got {arr.dtype}")
        return float(arr.reshape(-1)[0])
    item = getattr(x, "item", None)
    if callable(item):
        return resolve_scalar(item(), tag)
    raise _not_a_number(x, tag)


def resolve_array(x: object, tag: str) -> np.ndarray:
    """A numpy array from numpy, lists, torch/JAX tensors (CPU or device) or ``__array__``."""
    if isinstance(x, np.ndarray):
        arr = x
    elif isinstance(x, (str, bytes, bytearray)) or x is None:
        raise _not_a_number(x, tag)
    else:
        detach = getattr(x, "detach", None)
        if detach is not None and hasattr(x, "cpu") and hasattr(x, "numpy"):
            t = detach().cpu()  # torch: CPU copy, then a view as numpy
            if str(getattr(t, "dtype", "")) == "torch.bfloat16":
                t = t.float()
            arr = t.numpy()
        else:
            try:
                arr = np.asarray(x)
            except (TypeError, ValueError) as exc:
                raise _not_a_number(x, tag) from exc
    if arr.dtype == object or arr.dtype.kind in "USV":
        raise TypeError(f"{tag!r}: values must be numeric, got an array of {arr.dtype}")
    return arr


def to_scalar(x: object, tag: str):
    """A float now, or a :class:`Deferred` for a value on an accelerator."""
    deferred = capture(x, tag, True)
    if deferred is not None:
        return deferred
    return resolve_scalar(x, tag)


def to_array(x: object, tag: str) -> np.ndarray | Deferred:
    """A numpy array now, or a :class:`Deferred` for an array on an accelerator."""
    deferred = capture(x, tag, False)
    if deferred is not None:
        return deferred
    return resolve_array(x, tag)


def array_now(x: object, tag: str) -> np.ndarray:
    """:func:`to_array`, read at once even from a device (for calls that need the values now)."""
    arr = to_array(x, tag)
    return arr.resolve() if isinstance(arr, Deferred) else arr


def scalar_now(x: object, tag: str):
    """:func:`to_scalar`, read at once even from a device."""
    value = to_scalar(x, tag)
    return value.resolve() if isinstance(value, Deferred) else value
