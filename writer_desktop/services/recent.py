"""The list of recently opened story files, kept in the app's data folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

MAX_RECENT = 10


class RecentFiles:
    """Recently opened stories, newest first, and which one to reopen at the next start: never
    one that failed to open, or that the app died opening (a hostile or damaged file must not
    take every later start down with it)."""

    def __init__(self, state_file: Path) -> None:
        self.state_file = state_file

    def _read(self) -> dict:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def paths(self) -> list[Path]:
        return [Path(p) for p in self._read().get("recent", []) if isinstance(p, str)]

    def last(self) -> Path | None:
        """The story to reopen at start, if any."""
        data = self._read()
        if isinstance(data.get("opening"), str):  # the last start never finished opening it
            self._write(data | {"opening": None, "no_reopen": _skip(data) + [data["opening"]]})
            return None
        skipped = set(_skip(data))
        for path in self.paths():
            if str(path) not in skipped and path.is_file():
                return path
        return None

    def opening(self, path: Path | None) -> None:
        """Mark the start of opening `path` at start (None: it opened)."""
        self._write(self._read() | {"opening": str(Path(path).resolve()) if path else None})

    def failed(self, path: Path) -> None:
        """`path` could not be opened: do not reopen it at the next start."""
        data = self._read()
        self._write(
            data | {"opening": None, "no_reopen": _skip(data) + [str(Path(path).resolve())]}
        )

    def add(self, path: Path) -> None:
        path = Path(path).resolve()
        data = self._read()
        paths = [path] + [p for p in self.paths() if p != path]
        skipped = [p for p in _skip(data) if p != str(path)]
        self._write(data | {"recent": [str(p) for p in paths[:MAX_RECENT]], "no_reopen": skipped})

    def remove(self, path: Path) -> None:
        path = Path(path).resolve()
        data = self._read()
        self._write(data | {"recent": [str(p) for p in self.paths() if p != path]})

    def _write(self, data: dict) -> None:
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), "utf-8")
        os.replace(tmp, self.state_file)


def _skip(data: dict) -> list[str]:
    return [p for p in data.get("no_reopen", []) if isinstance(p, str)]
