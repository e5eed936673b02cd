"""Prompt templates: one file per operation under resources/prompts/, overridable by folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from writer_desktop.resources import resource

_SECTION = re.compile(r"^\[(system|user)\]\s*$", re.MULTILINE)


@dataclass(frozen=True)
class PromptTemplate:
    """A [system] and a [user] part, each with $placeholders (string.Template)."""

    name: str
    system: Template
    user: Template

    @classmethod
    def parse(cls, name: str, text: str) -> PromptTemplate:
        parts = _SECTION.split(text)
        sections = dict(zip(parts[1::2], (body.strip() for body in parts[2::2]), strict=True))
        if "user" not in sections:
            raise ValueError(f"prompt template {name!r} has no [user] section")
        return cls(name, Template(sections.get("system", "")), Template(sections["user"]))

    def role_and_task(self, **values: str) -> tuple[str, str]:
        """The agent's role (the [system] part) and its task (the [user] part)."""
        return self.system.substitute(values).strip(), self.user.substitute(values).strip()

    def messages(self, **values: str) -> list[dict[str, str]]:
        messages = []
        system = self.system.substitute(values).strip()
        if system:
            messages.append({"role": "system", "content": system})
        messages.append({"role": "user", "content": self.user.substitute(values).strip()})
        return messages


class PromptLibrary:
    """Finds a template in the override folder first, then in the app's resources."""

    def __init__(self, override_dir: Path | None = None) -> None:
        self.override_dir = override_dir
        self._cache: dict[str, PromptTemplate] = {}

    def get(self, name: str) -> PromptTemplate:
        if name not in self._cache:
            self._cache[name] = PromptTemplate.parse(name, self._path(name).read_text("utf-8"))
        return self._cache[name]

    def _path(self, name: str) -> Path:
        if self.override_dir is not None:
            candidate = self.override_dir / f"{name}.txt"
            if candidate.is_file():
                return candidate
        return resource("prompts", f"{name}.txt")
