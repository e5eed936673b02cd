"""Writer Assistant: a desktop writing app for novelists with local AI agents."""

__version__ = "0.1.0"
