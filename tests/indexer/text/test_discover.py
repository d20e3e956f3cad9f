"""Walking footage folders, fingerprinting files and deriving shot ids."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from indexer.discover import (
    FINGERPRINT_CHUNK_BYTES,
    REFUSED_OUTSIDE_ROOTS,
    VIDEO_EXTENSIONS,
    content_fingerprint,
    discover,
    is_video_file,
    scan_library,
    shot_id_for,
)
from montage.errors import InputError


def _touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_walks_sorted_skips_hidden_and_non_video(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    _touch(root / "b.mp4")
    _touch(root / "a.MOV")
    _touch(root / "notes.txt")
    _touch(root / "sub" / "z.mkv")
    _touch(root / "sub" / "deeper" / "c.webm")
    _touch(root / ".hidden" / "secret.mp4")
    _touch(root / ".dot.mp4")
    _touch(root / "aa" / "m.ts")

    found = discover([root])

    assert [f.rel_path for f in found] == ["a.MOV", "aa/m.ts", "b.mp4", "sub/deeper/c.webm", "sub/z.mkv"]
    resolved_root = root.resolve()
    assert all(f.root == resolved_root for f in found)
    assert all(f.path.is_absolute() and f.path == (resolved_root / f.rel_path) for f in found)


def test_is_deterministic(tmp_path: Path) -> None:
    for name in ["q.mp4", "c.mp4", "x/y.mp4", "x/a.mp4", "k/l/m.mkv"]:
        _touch(tmp_path / name)
    assert discover([tmp_path]) == discover([tmp_path])


def test_symlink_loops_end_and_files_are_listed_once(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    _touch(root / "inner" / "clip.mp4")
    os.symlink(root, root / "inner" / "loop")  # inner/loop -> lib: a cycle
    os.symlink(root / "inner", root / "alias")  # a second way to the same folder
    os.symlink(root / "inner" / "clip.mp4", root / "link.mp4")

    found = discover([root])

    assert len(found) == 1
    assert found[0].path == (root / "inner" / "clip.mp4").resolve()


@pytest.mark.reliability
def test_symlinks_out_of_the_library_are_refused_and_reported(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    outside = tmp_path / "elsewhere"
    _touch(root / "sub" / "kept.mp4")
    _touch(outside / "escape.mp4")
    _touch(outside / "shadow", b"secret")
    _touch(outside / "folder" / "far.mp4")
    os.symlink(outside / "escape.mp4", root / "linked.mp4")
    os.symlink(outside / "shadow", root / "sub" / "shadow.mp4")
    os.symlink(outside / "folder", root / "outdir")
    os.symlink(root / "sub" / "kept.mp4", root / "alias.mp4")  # inside the library: fine

    scan = scan_library([root])

    assert [f.rel_path for f in scan.files] == ["alias.mp4"]
    assert scan.files[0].path == (root / "sub" / "kept.mp4").resolve()
    assert [(r.rel_path, r.reason) for r in scan.refused] == [
        ("linked.mp4", REFUSED_OUTSIDE_ROOTS),
        ("outdir", REFUSED_OUTSIDE_ROOTS),
        ("sub/shadow.mp4", REFUSED_OUTSIDE_ROOTS),
    ]
    assert all(str(outside) not in repr(r) for r in scan.refused)  # where links point is not reported
    # A folder named as a further library root makes links into it acceptable.
    widened = scan_library([root], allowed_roots=[outside / "folder"])
    assert [f.rel_path for f in widened.files] == ["alias.mp4", "outdir/far.mp4"]
    assert discover([root]) == scan.files


def test_explicit_file_and_overlapping_paths(tmp_path: Path) -> None:
    clip = _touch(tmp_path / "lib" / "one.mp4")
    odd = _touch(tmp_path / "odd.bin")

    found = discover([clip, tmp_path / "lib", odd])

    assert [f.path for f in found] == [clip.resolve(), odd.resolve()]
    assert found[0].root == clip.parent.resolve()
    assert found[0].rel_path == "one.mp4"


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        discover([tmp_path / "nope"])


def test_video_extensions() -> None:
    assert {"mp4", "mov", "mkv", "webm", "mxf", "m2ts", "ogv", "3gp"} <= VIDEO_EXTENSIONS
    assert is_video_file(Path("A.MP4"))
    assert not is_video_file(Path("a.srt"))


def test_fingerprint_small_file_follows_content_not_name(tmp_path: Path) -> None:
    first = _touch(tmp_path / "a.mp4", b"hello world")
    moved = tmp_path / "elsewhere" / "b.mov"
    moved.parent.mkdir()
    shutil.copy(first, moved)
    other = _touch(tmp_path / "c.mp4", b"hello worle")

    assert content_fingerprint(first) == content_fingerprint(moved)
    assert content_fingerprint(first) != content_fingerprint(other)
    assert len(content_fingerprint(first)) == 64


def test_fingerprint_large_file_reads_start_middle_end(tmp_path: Path) -> None:
    size = 5 * FINGERPRINT_CHUNK_BYTES
    data = bytearray(os.urandom(size))
    path = _touch(tmp_path / "big.mp4", bytes(data))
    original = content_fingerprint(path)

    def changed_at(offset: int) -> str:
        copy = bytearray(data)
        copy[offset] ^= 0xFF
        path.write_bytes(bytes(copy))
        return content_fingerprint(path)

    assert changed_at(10) != original  # first chunk
    assert changed_at(size // 2) != original  # middle chunk
    assert changed_at(size - 1) != original  # last chunk
    # Bytes between the sampled chunks are not read: that is the price of speed.
    assert changed_at(FINGERPRINT_CHUNK_BYTES + 10) == original
    path.write_bytes(bytes(data) + b"!")
    assert content_fingerprint(path) != original  # size is part of the fingerprint


def test_fingerprint_of_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        content_fingerprint(tmp_path / "missing.mp4")


def test_shot_ids_are_stable_positive_63_bit() -> None:
    ids = {shot_id_for("f" * 64, start, start + 25) for start in range(0, 25_000, 25)}
    assert len(ids) == 1000
    assert all(0 < shot_id < 2**63 for shot_id in ids)
    assert shot_id_for("abc", 0, 10) == shot_id_for("abc", 0, 10)
    assert shot_id_for("abc", 0, 10) != shot_id_for("abd", 0, 10)
    assert shot_id_for("abc", 0, 10) != shot_id_for("abc", 0, 11)
