"""Qt widgets and the main window: they show things and call services, nothing more."""
