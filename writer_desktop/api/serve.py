"""`writer-assistant serve`: the API on uvicorn, loopback unless told otherwise, and then only
with a token."""

from __future__ import annotations

import ipaddress
import logging

from writer_desktop.config import AppPaths, Settings, load_settings

log = logging.getLogger(__name__)


class ServeRefused(Exception):
    """The server will not start as configured; the message says why."""


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings) -> None:
    """Anything but loopback needs API_TOKEN."""
    if not is_loopback(settings.api_host) and not settings.api_token:
        raise ServeRefused(
            f"API_HOST={settings.api_host} would expose the API beyond this computer; set "
            "API_TOKEN (every request must then carry it) or use 127.0.0.1."
        )


def serve(settings: Settings | None = None, paths: AppPaths | None = None) -> int:
    """Run until interrupted; returns the exit code."""
    import uvicorn

    from writer_desktop.api.app import create_app
    from writer_desktop.services import build_core

    paths = paths or AppPaths.default()
    if settings is None:
        loaded = load_settings(paths.settings_file)
        for problem in loaded.problems:
            log.warning("setting ignored: %s", problem)
        settings = loaded.settings
    try:
        check_exposure(settings)
    except ServeRefused as exc:
        print(f"writer-assistant serve: {exc}")
        return 2
    app = create_app(build_core(settings, paths))
    print(
        f"Writer Assistant API on http://{settings.api_host}:{settings.api_port} "
        f"(docs at /docs){' with a token' if settings.api_token else ''}",
        flush=True,
    )
    uvicorn.run(app, host=settings.api_host, port=settings.api_port, log_level="info")
    return 0
