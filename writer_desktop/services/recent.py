"""The list of recently opened story files, kept in the app's data folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

MAX_RECENT = 10


class RecentFiles:
    def __init__(self, state_file: Path) -> None:
        self.state_file = state_file

    def paths(self) -> list[Path]:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [Path(p) for p in data.get("recent", []) if isinstance(p, str)]

    def last(self) -> Path | None:
        for path in self.paths():
            if path.is_file():
                return path
        return None

    def add(self, path: Path) -> None:
        path = Path(path).resolve()
        paths = [path] + [p for p in self.paths() if p != path]
        self._write(paths[:MAX_RECENT])

    def remove(self, path: Path) -> None:
        path = Path(path).resolve()
        self._write([p for p in self.paths() if p != path])

    def _write(self, paths: list[Path]) -> None:
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"recent": [str(p) for p in paths]}, indent=2), "utf-8")
        os.replace(tmp, self.state_file)
