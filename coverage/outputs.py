"""Write output files atomically: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

# A cell starting with one of these runs as a formula in a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{i}" for p in ("COM", "LPT") for i in range(10)
}


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert by a leading apostrophe.

    Numbers stay numbers: only text cells change, and only those starting with
    ``= + - @``, a tab or a carriage return. Spreadsheets hide the apostrophe.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo ``neutralise`` when reading back a CSV this project wrote."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """CSV of a frame, with formula-like text cells neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype).startswith("str"):
            safe[column] = safe[column].map(neutralise)
    return str(safe.to_csv(index=False, lineterminator="\n"))


def safe_file_names(stems: list[str], suffix: str) -> list[str]:
    """A file name per stem that cannot leave its folder, is not a reserved
    device name, and is unique (case-insensitively) among the others."""
    names: list[str] = []
    taken: set[str] = set()
    for stem in stems:
        clean = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")[:80] or "agent"
        if clean.upper().split(".")[0] in _RESERVED_NAMES:
            clean = "_" + clean
        name, number = clean, 1
        while (name + suffix).lower() in taken:
            number += 1
            name = f"{clean}-{number}"
        taken.add((name + suffix).lower())
        names.append(name + suffix)
    return names


def json_text(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, default=str) + "\n"


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_files(directory: Path, files: dict[str, str], replaces: Iterable[str] = ()) -> list[Path]:
    """Write every file to a temporary name first, then rename them into place.

    Nothing is renamed until all contents are written, so a failure leaves the
    folder as it was. Files named in ``replaces`` but not written are removed,
    so that a folder never mixes this run's files with an earlier run's.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for name in files:
        if Path(name).name != name or name in ("", ".", ".."):
            raise ValueError(f"unsafe output file name {name!r}")
    staged: list[tuple[str, Path]] = []
    mode = 0o666 & ~_umask()  # what open() would give; mkstemp makes files owner-only
    try:
        for name, text in files.items():
            handle, temporary_name = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
            os.chmod(temporary_name, mode)
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            staged.append((name, Path(temporary_name)))
    except BaseException:
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
        raise
    written = []
    for name, temporary in staged:
        os.replace(temporary, directory / name)
        written.append(directory / name)
    for name in replaces:
        if name not in files:
            (directory / name).unlink(missing_ok=True)
    return written


def remove_stale_folders(
    directory: Path, keep: Iterable[str], prefixes: tuple[str, ...], files: Iterable[str]
) -> list[Path]:
    """Remove the subfolders an earlier run wrote and this one did not: those whose
    name starts with one of ``prefixes``, is not in ``keep``, and that hold only
    ``files`` (so nothing a user added is ever deleted)."""
    kept, allowed = set(keep), set(files)
    removed: list[Path] = []
    if not directory.is_dir():
        return removed
    for folder in sorted(directory.iterdir()):
        if not folder.is_dir() or folder.name in kept or not folder.name.startswith(prefixes):
            continue
        contents = list(folder.iterdir())
        if all(p.is_file() and p.name in allowed for p in contents):
            for path in contents:
                path.unlink()
            folder.rmdir()
            removed.append(folder)
    return removed
