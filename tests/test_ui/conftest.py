"""Every window test runs on the app's qasync loop, as the app does."""

import pytest


@pytest.fixture(autouse=True)
def _on_the_gui_loop(gui_loop):
    return gui_loop
