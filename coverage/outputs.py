"""Write output files atomically: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd


def csv_text(frame: pd.DataFrame) -> str:
    return str(frame.to_csv(index=False, lineterminator="\n"))


def json_text(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, default=str) + "\n"


def write_files(directory: Path, files: dict[str, str]) -> list[Path]:
    """Write every file to a temporary name first, then rename them into place.

    Nothing is renamed until all contents are written, so a failure leaves the
    folder as it was.
    """
    directory.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, text in files.items():
            handle, temporary_name = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
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
    return written
