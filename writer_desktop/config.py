"""Settings: environment > .env > the user's settings file > defaults, and the app's folders."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    JsonConfigSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

APP_NAME = "WriterAssistant"
HOME_ENV = "WRITER_ASSISTANT_HOME"

# Agent operations with their own ENDPOINT_<OP>_TEMPERATURE / _MAX_TOKENS settings.
OPERATIONS: dict[str, tuple[float, int]] = {
    "writer": (0.8, 2000),
    "modify": (0.7, 2000),
    "flesh_out": (0.8, 1000),
    "editor": (0.6, 800),
    "character": (0.8, 800),
    "rater": (0.7, 600),
    "character_details": (0.7, 600),
    "bio": (0.8, 600),
    "outline": (0.7, 1200),
    "chat": (0.7, 800),
}
# Summaries for the context budget: one temperature per kind of content.
DISTILL_KINDS: tuple[str, ...] = ("chapter", "character", "plot")


@dataclass(frozen=True)
class AppPaths:
    """Where the app keeps its settings, state and logs (stories live where the author says)."""

    config_dir: Path
    data_dir: Path
    log_dir: Path

    @classmethod
    def default(cls) -> AppPaths:
        root = os.environ.get(HOME_ENV)
        if root:
            return cls.under(Path(root))
        return cls(
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        return cls(config_dir=root / "config", data_dir=root / "data", log_dir=root / "logs")

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    def ensure(self) -> None:
        for folder in (self.config_dir, self.data_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)


@dataclass(frozen=True)
class EndpointParams:
    temperature: float
    max_tokens: int


class Settings(BaseSettings):
    """Every setting of the app; the names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        case_sensitive=False,
        extra="ignore",
        validate_default=True,
    )

    model_path: str = Field("", description="GGUF model file; empty uses the embedded default")
    llm_n_ctx: int = Field(4096, ge=256, le=1_048_576)
    llm_n_gpu_layers: int = Field(-1, ge=-1)
    llm_n_threads: int | None = Field(None, ge=1)
    llm_temperature: float = Field(0.7, ge=0.0, le=2.0)
    llm_max_tokens: int = Field(1024, ge=1, le=32768)
    llm_seed: int = Field(-1)
    # The engine: the embedded llama.cpp model, or any OpenAI-compatible server.
    llm_backend: Literal["embedded", "openai"] = "embedded"
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = ""

    context_max_tokens: int = Field(32000, ge=256)
    context_buffer_tokens: int = Field(200, ge=0)
    context_layer_a_tokens: int = Field(2000, ge=0)
    context_layer_c_tokens: int = Field(13000, ge=0)
    context_layer_d_tokens: int = Field(5000, ge=0)
    context_layer_e_tokens: int = Field(10000, ge=0)

    archive_db_path: str = ""
    prompts_dir: str = ""
    autosave_delay_ms: int = Field(750, ge=100, le=2000)
    # Rotating automatic backups of the open story (storage/backups.py).
    backup_keep_last: int = Field(10, ge=1, le=1000)
    backup_keep_days: int = Field(30, ge=0, le=3650)
    backup_interval_minutes: int = Field(10, ge=1, le=1440)

    # The page (ui/chapter_editor.py): how the manuscript looks and behaves as you type.
    editor_font_family: str = Field("Serif", description="Font of the manuscript page")
    editor_font_size: int = Field(13, ge=6, le=48, description="Font size in points")
    editor_column_width: int = Field(
        70, ge=30, le=200, description="Width of the text column, in characters (centred)"
    )
    editor_paragraph_style: Literal["indent", "spaced"] = Field(
        "indent",
        description="Paragraphs start with a first-line indent (as in a book) or are "
        "separated by space (as on the web)",
    )
    smart_typography: bool = Field(
        True, description="Curly quotes and apostrophes, and -- as an em dash, as you type"
    )
    spell_check: bool = Field(True, description="Underline misspelt words as you type")
    show_ai_tint: bool = Field(
        True, description="Tint text the AI wrote until you edit it (who wrote what)"
    )
    color_scheme: Literal["system", "light", "dark"] = Field(
        "system", description="Light or dark window: follow the system, or always one"
    )

    endpoint_writer_temperature: float = Field(0.8, ge=0.0, le=2.0)
    endpoint_writer_max_tokens: int = Field(2000, ge=1, le=32768)
    endpoint_modify_temperature: float = Field(0.7, ge=0.0, le=2.0)
    endpoint_modify_max_tokens: int = Field(2000, ge=1, le=32768)
    endpoint_flesh_out_temperature: float = Field(0.8, ge=0.0, le=2.0)
    endpoint_flesh_out_max_tokens: int = Field(1000, ge=1, le=32768)
    endpoint_editor_temperature: float = Field(0.6, ge=0.0, le=2.0)
    endpoint_editor_max_tokens: int = Field(800, ge=1, le=32768)
    endpoint_character_temperature: float = Field(0.8, ge=0.0, le=2.0)
    endpoint_character_max_tokens: int = Field(800, ge=1, le=32768)
    endpoint_rater_temperature: float = Field(0.7, ge=0.0, le=2.0)
    endpoint_rater_max_tokens: int = Field(600, ge=1, le=32768)
    endpoint_character_details_temperature: float = Field(0.7, ge=0.0, le=2.0)
    endpoint_character_details_max_tokens: int = Field(600, ge=1, le=32768)
    endpoint_bio_temperature: float = Field(0.8, ge=0.0, le=2.0)
    endpoint_bio_max_tokens: int = Field(600, ge=1, le=32768)
    endpoint_outline_temperature: float = Field(0.7, ge=0.0, le=2.0)
    endpoint_outline_max_tokens: int = Field(1200, ge=1, le=32768)
    endpoint_chat_temperature: float = Field(0.7, ge=0.0, le=2.0)
    endpoint_chat_max_tokens: int = Field(800, ge=1, le=32768)

    context_token_counter: Literal["exact", "tiktoken", "estimate"] = "exact"
    distill_max_tokens: int = Field(200, ge=16, le=4096)
    distill_chapter_temperature: float = Field(0.3, ge=0.0, le=2.0)
    distill_character_temperature: float = Field(0.4, ge=0.0, le=2.0)
    distill_plot_temperature: float = Field(0.3, ge=0.0, le=2.0)

    # The HTTP API (`writer-assistant serve`): loopback unless told otherwise, and then only
    # with a token.
    api_host: str = "127.0.0.1"
    api_port: int = Field(8765, ge=1, le=65535)
    api_token: str = ""
    api_cors_origins: list[str] = Field(default_factory=list)
    api_max_body_bytes: int = Field(20_000_000, ge=1024, le=1_000_000_000)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        user_file = JsonConfigSettingsSource(settings_cls)
        return (init_settings, env_settings, dotenv_settings, user_file)

    def endpoint(self, operation: str) -> EndpointParams:
        """Temperature and max tokens for one agent operation."""
        if operation not in OPERATIONS:
            return EndpointParams(self.llm_temperature, self.llm_max_tokens)
        return EndpointParams(
            getattr(self, f"endpoint_{operation}_temperature"),
            getattr(self, f"endpoint_{operation}_max_tokens"),
        )


@dataclass
class LoadedSettings:
    settings: Settings
    problems: list[str]


def load_settings(user_file: Path | None, env_file: Path | str | None = ".env") -> LoadedSettings:
    """Read settings; an invalid value is reported by name and replaced by its default."""
    problems: list[str] = []
    if user_file is not None and user_file.is_file() and not _is_json_object(user_file):
        problems.append(f"The settings file {user_file} is unreadable; it was ignored.")
        user_file = None
    # A subclass per load carries the user's file to JsonConfigSettingsSource.
    config = {**Settings.model_config, "json_file": user_file, "env_file": env_file}
    cls = type("Settings", (Settings,), {"model_config": config, "__module__": __name__})
    forced: dict[str, Any] = {}
    while True:
        try:
            return LoadedSettings(cls(**forced), problems)
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else ""
                field = Settings.model_fields.get(name)
                if field is None or name in forced:
                    raise
                # Init arguments outrank every source, so passing the default replaces the value.
                forced[name] = field.get_default()
                problems.append(
                    f"{name.upper()}: {error['msg']} (got {error.get('input')!r}); "
                    f"using the default {forced[name]!r}."
                )


def _is_json_object(path: Path) -> bool:
    try:
        return isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
    except (OSError, ValueError):
        return False


def read_user_file(user_file: Path) -> dict[str, Any]:
    """The values stored in the user's settings file (upper-case names), or {}."""
    try:
        data = json.loads(user_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_user_file(user_file: Path, values: dict[str, Any]) -> None:
    """Write the user's settings atomically; values equal to the default are left out."""
    clean = {}
    for key, value in values.items():
        field = Settings.model_fields.get(key.lower())
        if field is None or value == field.get_default(call_default_factory=True):
            continue
        clean[key.upper()] = value
    user_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = user_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(clean, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, user_file)


def setting_names() -> list[str]:
    return [name.upper() for name in Settings.model_fields]
