"""A rewrite shown against the original: deletions struck through, additions highlighted, and
where a cut-off rewrite stopped, a marker before the untouched rest."""

from __future__ import annotations

import html

from writer_desktop.services.revision import Change

STOP_STYLE = "background:#ffe9a8; color:#5a4500; font-weight:bold"
UNFINISHED_STYLE = "color:#777; font-style:italic"


def diff_html(
    original: str,
    changes: list[Change],
    stopped_at: int | None = None,
    stop_note: str = "",
    unfinished: str = "",
) -> str:
    """The original with `changes` marked. With `stopped_at`, `stop_note` is shown there
    (and the rewrite's `unfinished` last words after it, greyed), then the rest of the
    original as it is."""
    parts = []
    position = 0
    for change in changes:
        parts.append(html.escape(original[position : change.start]))
        if change.old:
            parts.append(f'<s style="background:#fdd">{html.escape(change.old)}</s>')
        if change.new:
            parts.append(f'<span style="background:#dfd">{html.escape(change.new)}</span>')
        position = change.end
    if stopped_at is not None:
        parts.append(html.escape(original[position:stopped_at]))
        parts.append(f' <span style="{STOP_STYLE}">■ {html.escape(stop_note)}</span> ')
        if unfinished:
            parts.append(f'<span style="{UNFINISHED_STYLE}">“{html.escape(unfinished)}”</span> ')
        position = stopped_at
    parts.append(html.escape(original[position:]))
    return "<div style='white-space: pre-wrap'>" + "".join(parts) + "</div>"
