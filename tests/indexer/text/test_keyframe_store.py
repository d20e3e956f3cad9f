"""The on-disk keyframe store: layout, atomic replacement, concurrent readers, pruning."""

from __future__ import annotations

import io
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from indexer.keyframe_store import STALE_TEMP_AGE_S, KeyframeStore


def _image(colour: tuple[int, int, int], mode: str = "RGB") -> Image.Image:
    return Image.new("RGB", (48, 27), colour).convert(mode)


def test_save_load_layout(tmp_path: Path) -> None:
    store = KeyframeStore(tmp_path / "keyframes")
    shot_id = 0x1234_5678_9ABC_DEF0

    path = store.save(shot_id, _image((200, 30, 30)))

    assert path == tmp_path / "keyframes" / "f0" / f"{shot_id}.jpg"
    assert store.path_for(shot_id) == path and store.exists(shot_id)
    with Image.open(path) as on_disk:
        assert on_disk.format == "JPEG"
    loaded = store.load(shot_id)
    assert loaded.size == (48, 27)
    red, green, blue = loaded.getpixel((24, 13))  # type: ignore[misc]
    assert red > 180 and green < 60 and blue < 60
    assert not list(path.parent.glob(".tmp-*"))
    assert store.stored_ids() == {shot_id}


def test_modes_jpeg_cannot_hold_are_converted(tmp_path: Path) -> None:
    store = KeyframeStore(tmp_path)
    store.save(1, _image((10, 200, 10), "RGBA"))
    store.save(2, _image((10, 200, 10), "P"))
    store.save(3, _image((10, 200, 10), "L"))
    assert [store.load(i).mode for i in (1, 2, 3)] == ["RGB", "RGB", "L"]


def test_save_bytes(tmp_path: Path) -> None:
    store = KeyframeStore(tmp_path)
    buffer = io.BytesIO()
    _image((0, 0, 255)).save(buffer, format="JPEG")
    path = store.save_bytes(77, buffer.getvalue())
    assert path.read_bytes() == buffer.getvalue()
    with pytest.raises(ValueError, match="not JPEG"):
        store.save_bytes(78, b"\x89PNG....")
    assert not store.exists(78)


def test_failed_save_keeps_previous_keyframe_and_leaves_no_temp(tmp_path: Path) -> None:
    store = KeyframeStore(tmp_path)
    path = store.save(5, _image((0, 0, 255)))
    before = path.read_bytes()
    truncated = tmp_path / "truncated.jpg"
    encoded = io.BytesIO()
    Image.effect_noise((256, 256), 80).convert("RGB").save(encoded, format="JPEG")
    truncated.write_bytes(encoded.getvalue()[: len(encoded.getvalue()) // 2])

    with Image.open(truncated) as broken, pytest.raises(OSError):
        store.save(5, broken)  # decoding the truncated image fails half-way through the write

    assert path.read_bytes() == before
    assert not list(path.parent.glob(".tmp-*"))


def test_readers_never_see_partial_files(tmp_path: Path) -> None:
    store = KeyframeStore(tmp_path)
    images = [_image((255, 0, 0)), _image((0, 255, 0))]
    store.save(9, images[0])
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        i = 0
        while not stop.is_set():
            store.save(9, images[i % 2])
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        deadline = time.monotonic() + 1.0
        reads = 0
        while time.monotonic() < deadline:
            try:
                store.load(9).getpixel((0, 0))
                reads += 1
            except OSError as exc:  # a torn file would fail to decode
                errors.append(exc)
    finally:
        stop.set()
        thread.join()
    assert errors == [] and reads > 10


def test_prune(tmp_path: Path) -> None:
    store = KeyframeStore(tmp_path)
    for shot_id in (1, 2, 257, 1000):
        store.save(shot_id, _image((1, 2, 3)))
    foreign = tmp_path / "01" / "notes.txt"
    foreign.write_text("keep me")
    fresh_temp = tmp_path / "01" / ".tmp-abc.jpg"
    fresh_temp.write_bytes(b"in flight")
    stale_temp = tmp_path / "02" / ".tmp-old.jpg"
    stale_temp.write_bytes(b"crashed")
    old = time.time() - STALE_TEMP_AGE_S - 10
    os.utime(stale_temp, (old, old))

    removed = store.prune(np.array([2, 999, 1000]))

    assert removed == 2
    assert store.stored_ids() == {2, 1000}
    assert foreign.exists() and fresh_temp.exists() and not stale_temp.exists()
    assert store.prune(np.array([2, 1000])) == 0
    assert KeyframeStore(tmp_path / "never-created").prune(np.zeros(0, np.int64)) == 0
