"""A rewrite shown against the original: deletions struck through, additions highlighted."""

from __future__ import annotations

import html

from writer_desktop.services.revision import Change


def diff_html(original: str, changes: list[Change]) -> str:
    parts = []
    position = 0
    for change in changes:
        parts.append(html.escape(original[position : change.start]))
        if change.old:
            parts.append(f'<s style="background:#fdd">{html.escape(change.old)}</s>')
        if change.new:
            parts.append(f'<span style="background:#dfd">{html.escape(change.new)}</span>')
        position = change.end
    parts.append(html.escape(original[position:]))
    return "<div style='white-space: pre-wrap'>" + "".join(parts) + "</div>"
