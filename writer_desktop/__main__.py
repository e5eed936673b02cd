"""Command line: start the app, or run its self-test."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
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
