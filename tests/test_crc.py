"""The masked CRC32C of TFRecord framing: one formula (``record.mask_crc``), the same from every
path that computes it (one record at a time, rows with numpy, runs at offsets with numpy)."""

from __future__ import annotations

import numpy as np
import pytest

from tbx_tui.tfrecord import crcvec, record

pytestmark = pytest.mark.unit


def test_mask_formula_matches_tfrecord_and_works_on_arrays():
    # TFRecord's published example: the masked CRC of an empty payload
    assert record.masked_crc32c(b"") == 0xA282EAD8
    crcs = np.array([0, 1, 0xFFFFFFFF, 0x12345678], dtype=np.uint32)
    masked = record.mask_crc(crcs)
    assert masked.dtype == np.uint32
    assert masked.tolist() == [record.mask_crc(int(c)) for c in crcs]


def test_numpy_paths_agree_with_one_at_a_time():
    rng = np.random.default_rng(7)
    for n in (1, 7, 8, 9, 33):
        rows = rng.integers(0, 256, size=(5, n), dtype=np.uint8)
        expected = [record.masked_crc32c(bytes(row)) for row in rows]
        assert crcvec.crc32c_rows(rows).tolist() == expected
        buf = bytes(rng.integers(0, 256, size=200, dtype=np.uint8))
        starts = np.array([0, 3, 100, 200 - n])
        got = crcvec.crc32c_at(crcvec.byte_view(buf, "u1"), crcvec.byte_view(buf, "<u2"), starts, n)
        assert got.tolist() == [record.masked_crc32c(buf[s : s + n]) for s in starts]


def test_runs_at_offsets_agree_looked_up_one_byte_or_two_at_a_time(monkeypatch):
    """crc32c_at's two ways (bytes one by one for fewer runs, in pairs from PAIRS_FROM runs)."""
    rng = np.random.default_rng(11)
    buf = bytes(rng.integers(0, 256, size=300, dtype=np.uint8))
    u8, u16 = crcvec.byte_view(buf, "u1"), crcvec.byte_view(buf, "<u2")
    for n in (1, 2, 8, 33, 50):
        starts = np.array([0, 1, 7, 150, 300 - n])
        expected = [record.masked_crc32c(buf[s : s + n]) for s in starts]
        for pairs_from in (0, len(starts), len(starts) + 1):
            monkeypatch.setattr(crcvec, "PAIRS_FROM", pairs_from)
            assert crcvec.crc32c_at(u8, u16, starts, n).tolist() == expected
