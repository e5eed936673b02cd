"""The HTTP API (`writer-assistant serve`): FastAPI over the same Core as the window."""

from writer_desktop.api.app import create_app

__all__ = ["create_app"]
