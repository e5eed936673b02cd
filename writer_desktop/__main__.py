"""Command line: start the app, run its self-test, or serve the HTTP API."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def serve_main(argv: list[str]) -> int:
    """writer-assistant serve [--host H] [--port P]: the HTTP API (see CONFIGURATION.md)."""
    parser = argparse.ArgumentParser(
        prog="writer-assistant serve", description="Serve the agents over HTTP (/docs)"
    )
    parser.add_argument("--host", help="address to listen on (API_HOST; default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (API_PORT; default 8765)")
    args = parser.parse_args(argv)
    import logging

    from writer_desktop.api.serve import serve
    from writer_desktop.config import AppPaths, load_settings

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    paths = AppPaths.default()
    loaded = load_settings(paths.settings_file)
    for problem in loaded.problems:
        print(f"setting ignored: {problem}")
    overrides = {
        key: value
        for key, value in (("api_host", args.host), ("api_port", args.port))
        if value is not None
    }
    settings = loaded.settings.model_copy(update=overrides)
    return serve(settings, paths)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--read-manuscript-child"]:  # the frozen app reading a file for itself
        from writer_desktop.manuscripts.isolation import child_main

        return child_main(argv[1:])
    if argv[:1] == ["--archive-child"]:  # the frozen app's archive, in a process of its own
        from writer_desktop.archive.process import child_main as archive_child

        return archive_child(argv[1:])
    if argv[:1] == ["serve"]:
        return serve_main(argv[1:])
    parser = argparse.ArgumentParser(prog="writer-assistant", description="Writer Assistant")
    parser.add_argument("story", nargs="?", type=Path, help="a story file to open")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="run the app offscreen with the default model, write a story and read it back",
    )
    parser.add_argument("--tokens", type=int, default=16, help="tokens the self-test generates")
    args = parser.parse_args(argv)
    if args.self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from writer_desktop.selftest import self_test

        return self_test(args.tokens)
    from writer_desktop.ui.app import run

    return run(args.story)


if __name__ == "__main__":
    sys.exit(main())
