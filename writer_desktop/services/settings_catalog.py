"""Every setting in plain words: its page, label, unit, range, control and help, so the
settings dialog (and anyone else) can show it without an environment variable's name."""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any, Literal

from writer_desktop.config import OPERATIONS, Settings

# Roughly how many words of English prose one token of a Llama-style tokenizer holds.
WORDS_PER_TOKEN = 0.75

Control = Literal["spin", "slider", "number", "file", "folder", "choice", "text", "secret", "check"]

PAGES: tuple[str, ...] = (
    "Writing",
    "AI model",
    "Agents",
    "Context",
    "Archive",
    "Backups",
    "HTTP API",
)

PAGE_INTROS: dict[str, str] = {
    "Writing": "How the app saves and helps while you write.",
    "AI model": "Which model writes with you, and how much of this computer it may use.",
    "Agents": "Each helper's own creativity and the longest answer it may give.",
    "Context": "How much of your story the agents are shown, part by part. When the story "
    "is longer, the oldest chapters are summarised.",
    "Archive": "A searchable memory of your chapters and notes, so agents can recall "
    "earlier scenes that no longer fit in the context.",
    "Backups": "Copies of the whole story made while you work. File > Restore from backup… "
    "brings one back.",
    "HTTP API": "For other programs that talk to the app (writer-assistant serve). Most "
    "authors never need this page.",
}

AGENT_NAMES: dict[str, str] = {
    "writer": "Writer: draft and continue",
    "modify": "Writer: rewrite by instruction",
    "flesh_out": "Writer: flesh out a passage",
    "editor": "Editor review",
    "character": "Character feedback",
    "rater": "Rater scores",
    "character_details": "Character details",
    "bio": "Character bio",
    "outline": "Chapter outlines",
    "chat": "Chat with the manuscript",
}


@dataclass(frozen=True)
class SettingInfo:
    """How one setting is shown: `name` is the Settings field (its environment variable is
    the upper-cased name)."""

    name: str
    page: str
    label: str
    help: str
    control: Control = "spin"
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    step: float = 1
    # A value with a meaning of its own shown in words at the bottom of a spin box
    # (-1 "all layers", None "automatic"): (value, words).
    special: tuple[Any, str] | None = None
    choices: dict[str, str] = field(default_factory=dict)
    file_filter: str = ""
    placeholder: str = ""  # what an empty text or path means, shown in the empty box
    section: str = ""  # a heading within the page ("Editor review") the setting sits under

    @property
    def env_name(self) -> str:
        return self.name.upper()

    @property
    def default(self) -> Any:
        return Settings.model_fields[self.name].get_default(call_default_factory=True)


def words_for_tokens(tokens: int) -> int:
    """About how many words of prose `tokens` tokens hold, rounded as a person would say it."""
    words = tokens * WORDS_PER_TOKEN
    if words >= 1000:
        return int(round(words / 100) * 100)
    if words >= 100:
        return int(round(words / 10) * 10)
    return int(round(words))


def _bounds(name: str) -> tuple[float | None, float | None]:
    low = high = None
    if name not in Settings.model_fields:  # an entry for a setting this build lacks
        return low, high
    for item in Settings.model_fields[name].metadata:  # pydantic's Ge/Le constraints
        low = getattr(item, "ge", low)
        high = getattr(item, "le", high)
    return low, high


def _info(name: str, page: str, label: str, help: str, **kwargs: Any) -> SettingInfo:
    low, high = _bounds(name)
    kwargs.setdefault("minimum", low)
    kwargs.setdefault("maximum", high)
    return SettingInfo(name, page, label, help, **kwargs)


def _agent_settings() -> list[SettingInfo]:
    infos = []
    for operation in OPERATIONS:
        agent = AGENT_NAMES.get(operation, operation.replace("_", " ").capitalize())
        infos.append(
            _info(
                f"endpoint_{operation}_temperature",
                "Agents",
                "Creativity",
                "Low keeps close to the obvious; high surprises more and wanders more.",
                control="slider",
                step=0.05,
                section=agent,
            )
        )
        infos.append(
            _info(
                f"endpoint_{operation}_max_tokens",
                "Agents",
                "Longest answer",
                "The most it writes in one go.",
                unit="tokens",
                section=agent,
            )
        )
    return infos


def _page_settings() -> list[SettingInfo]:
    """The manuscript page's look and behaviour (the editor's settings)."""
    page = "The page"
    return [
        _info(
            "color_scheme",
            "Writing",
            "Appearance",
            "Light or dark windows: as the system is set, or always one.",
            control="choice",
            choices={"system": "As the system", "light": "Light", "dark": "Dark"},
            section=page,
        ),
        _info(
            "editor_font_family",
            "Writing",
            "Font",
            "The typeface of the manuscript page.",
            control="font",
            section=page,
        ),
        _info(
            "editor_font_size",
            "Writing",
            "Font size",
            "The size of the manuscript's text.",
            unit="points",
            section=page,
        ),
        _info(
            "editor_column_width",
            "Writing",
            "Line length",
            "How wide the centred text column is; about 65 characters reads most easily.",
            unit="characters",
            step=5,
            section=page,
        ),
        _info(
            "editor_paragraph_style",
            "Writing",
            "Paragraphs",
            "A first-line indent, as in a printed book, or a blank space between "
            "paragraphs, as on the web.",
            control="choice",
            choices={"indent": "Indented, as in a book", "spaced": "Spaced, as on the web"},
            section=page,
        ),
        _info(
            "smart_typography",
            "Writing",
            "Smart quotes and dashes",
            "Curly quotes and apostrophes as you type, and -- becomes an em dash.",
            control="check",
            section=page,
        ),
        _info(
            "spell_check",
            "Writing",
            "Check spelling as I type",
            "Misspelt words are underlined; right-click one for suggestions.",
            control="check",
            section=page,
        ),
        _info(
            "show_ai_tint",
            "Writing",
            "Tint text the AI wrote",
            "AI-written text is tinted until you edit it, so you can tell who wrote what.",
            control="check",
            section=page,
        ),
    ]


def _catalog() -> list[SettingInfo]:
    infos = _page_settings() + [
        _info(
            "autosave_delay_ms",
            "Writing",
            "Save my typing after",
            "How long after you stop typing the chapter is saved to the story file.",
            unit="ms",
            step=50,
            section="Saving",
        ),
        _info(
            "prompts_dir",
            "Writing",
            "My own agent prompts",
            "A folder of prompt files that replace the built-in ones (for people who like to "
            "tune the agents). Leave empty for the built-in prompts.",
            control="folder",
            placeholder="The built-in prompts",
            section="Saving",
        ),
        _info(
            "model_path",
            "AI model",
            "Model file",
            "The GGUF model the app runs. Leave empty for the small model that comes with the app.",
            control="file",
            file_filter="GGUF models (*.gguf)",
        ),
        _info(
            "llm_backend",
            "AI model",
            "Where the model runs",
            "In this app (the model file above) or on a model server such as Ollama, "
            "LM Studio or llama-server.",
            control="choice",
            choices={"embedded": "In this app", "openai": "On a model server"},
        ),
        _info(
            "llm_base_url",
            "AI model",
            "Server address",
            "The model server's address, e.g. http://localhost:11434/v1 for Ollama.",
            control="text",
            placeholder="http://localhost:11434/v1",
        ),
        _info(
            "llm_api_key",
            "AI model",
            "Server key",
            "Only if the server asks for one.",
            control="secret",
        ),
        _info(
            "llm_model",
            "AI model",
            "Model on the server",
            "The server's name for the model; empty uses the server's first.",
            control="text",
        ),
        _info(
            "llm_n_ctx",
            "AI model",
            "Memory of the model",
            "How much text the model can hold at once: the story it is shown plus its "
            "answer. More needs more computer memory.",
            unit="tokens",
            step=1024,
        ),
        _info(
            "llm_n_gpu_layers",
            "AI model",
            "Use the graphics card for",
            "How much of the model runs on the graphics card (faster) instead of the "
            "processor. 0 keeps it all on the processor.",
            unit="layers",
            special=(-1, "All of it"),
            maximum=1000,
        ),
        _info(
            "llm_n_threads",
            "AI model",
            "Processor cores to use",
            "How many processor cores the model may use.",
            unit="cores",
            special=(None, "Automatic"),
            minimum=0,
            maximum=256,
        ),
        _info(
            "llm_temperature",
            "AI model",
            "Creativity (other tasks)",
            "How adventurous the model is where an agent has no setting of its own.",
            control="slider",
            step=0.05,
        ),
        _info(
            "llm_max_tokens",
            "AI model",
            "Longest answer (other tasks)",
            "The most the model writes in one go where an agent has no setting of its own.",
            unit="tokens",
        ),
        _info(
            "llm_seed",
            "AI model",
            "Repeatable answers",
            "A fixed number makes the same request give the same answer; random varies.",
            special=(-1, "Random"),
            minimum=-1,
            maximum=2**31 - 1,
        ),
        _info(
            "context_max_tokens",
            "Context",
            "Most of the story shown to the model",
            "The largest prompt the agents may send, whatever the model could hold.",
            unit="tokens",
            step=1000,
            maximum=1_048_576,
        ),
        _info(
            "context_buffer_tokens",
            "Context",
            "Safety margin",
            "Room kept free in case counting is a little off.",
            unit="tokens",
            step=50,
            maximum=100_000,
        ),
        _info(
            "context_layer_a_tokens",
            "Context",
            "System and instructions",
            "Room for the agent's role and your instructions.",
            unit="tokens",
            step=500,
            maximum=1_048_576,
        ),
        _info(
            "context_layer_c_tokens",
            "Context",
            "Recent story",
            "Room for the chapter you are on and the chapters just before it.",
            unit="tokens",
            step=500,
            maximum=1_048_576,
        ),
        _info(
            "context_layer_d_tokens",
            "Context",
            "Characters and scene",
            "Room for the characters of the story bible.",
            unit="tokens",
            step=500,
            maximum=1_048_576,
        ),
        _info(
            "context_layer_e_tokens",
            "Context",
            "Plot and world",
            "Room for plot notes, worldbuilding and summaries of earlier chapters.",
            unit="tokens",
            step=500,
            maximum=1_048_576,
        ),
        _info(
            "context_token_counter",
            "Context",
            "How text is measured",
            "Exact uses the model's own counting; the others are quicker approximations.",
            control="choice",
            choices={
                "exact": "Exactly, as the model counts",
                "tiktoken": "Closely (tiktoken)",
                "estimate": "Roughly (fastest)",
            },
        ),
        _info(
            "distill_max_tokens",
            "Context",
            "Length of chapter summaries",
            "When the story is too long to show whole, earlier chapters are summarised to "
            "about this length.",
            unit="tokens",
            step=50,
        ),
        _info(
            "distill_chapter_temperature",
            "Context",
            "Summaries of chapters: creativity",
            "Low keeps summaries plain and faithful.",
            control="slider",
            step=0.05,
        ),
        _info(
            "distill_character_temperature",
            "Context",
            "Summaries of characters: creativity",
            "Low keeps summaries plain and faithful.",
            control="slider",
            step=0.05,
        ),
        _info(
            "distill_plot_temperature",
            "Context",
            "Summaries of plot notes: creativity",
            "Low keeps summaries plain and faithful.",
            control="slider",
            step=0.05,
        ),
        _info(
            "archive_db_path",
            "Archive",
            "Archive folder",
            "Choose a folder to keep a searchable archive of your chapters and notes, so "
            "agents can recall earlier scenes. Several stories may share it. Leave empty to "
            "turn the archive off. Nothing leaves this computer.",
            control="folder",
            placeholder="Off: no archive",
        ),
        _info(
            "backup_interval_minutes",
            "Backups",
            "Back up the open story every",
            "A copy of the whole story file is made this often while you work.",
            unit="minutes",
        ),
        _info(
            "backup_keep_last",
            "Backups",
            "Keep at least",
            "The newest backups kept whatever their age.",
            unit="backups",
        ),
        _info(
            "backup_keep_days",
            "Backups",
            "Keep backups for",
            "Older backups are deleted, except the newest ones above.",
            unit="days",
        ),
        _info(
            "api_host",
            "HTTP API",
            "Listen on",
            "127.0.0.1 keeps the API to this computer; anything else needs a key.",
            control="text",
        ),
        _info("api_port", "HTTP API", "Port", "The port `writer-assistant serve` listens on."),
        _info(
            "api_token",
            "HTTP API",
            "Access key",
            "The key other programs must send.",
            control="secret",
        ),
        _info(
            "api_cors_origins",
            "HTTP API",
            "Web pages allowed",
            "Addresses of web pages that may call the API, separated by commas.",
            control="text",
        ),
        _info(
            "api_max_body_bytes",
            "HTTP API",
            "Largest request",
            "Requests bigger than this are refused.",
            unit="bytes",
            step=1_000_000,
        ),
    ]
    infos.extend(_agent_settings())
    return infos


def _fallback(name: str) -> SettingInfo:
    """A setting added without an entry here still shows, in words made from its name."""
    annotation = Settings.model_fields[name].annotation
    label = name.replace("_", " ").capitalize()
    description = Settings.model_fields[name].description or ""
    page = "Writing"
    if typing.get_origin(annotation) is Literal:
        values = [str(v) for v in typing.get_args(annotation)]
        return _info(
            name,
            page,
            label,
            description,
            control="choice",
            choices={v: v.replace("_", " ").capitalize() for v in values},
        )
    if annotation is bool:
        return _info(name, page, label, description, control="check")
    if annotation is float:
        return _info(name, page, label, description, control="number", step=0.1)
    if annotation is int:
        return _info(name, page, label, description)
    return _info(name, page, label, description, control="text")


def setting_infos() -> list[SettingInfo]:
    """Every Settings field once, page by page, in the order an author reads them."""
    catalog = [info for info in _catalog() if info.name in Settings.model_fields]
    named = {info.name for info in catalog}
    for name in Settings.model_fields:
        if name in named:
            continue
        catalog.append(_fallback(name))
    return sorted(catalog, key=lambda info: PAGES.index(info.page))


# The context layers (A, C, D, E) in words: what each holds, for the Context tab.
LAYER_WORDS: dict[str, tuple[str, str]] = {
    "A": ("System and instructions", "the agent's role, the house rules and your request"),
    "C": ("Recent story", "the chapter you are on and the ones just before it"),
    "D": ("Characters and scene", "the people of the story bible who matter here"),
    "E": ("Plot and world", "plot notes, worldbuilding and summaries of earlier chapters"),
}
COUNTER_WORDS: dict[str, str] = {
    "exact": "measured exactly, as the model counts",
    "tiktoken": "measured closely (tiktoken)",
    "estimate": "measured roughly",
}
STATUS_WORDS: dict[str, str] = {
    "included": "whole",
    "trimmed": "shortened",
    "summarised": "as a summary",
    "dropped": "left out: no room",
    "filtered": "left out: not for this agent",
}
