"""The errors a caller of the services catches, whichever layer raises them: widgets and the
HTTP API import them from here, never from the engines."""

from writer_desktop.context import ContextBudgetError
from writer_desktop.inference import ModelLoadError
from writer_desktop.manuscripts import ManuscriptError
from writer_desktop.storage import ReadOnlyStoryError, StoryFileError, StoryLockedError


class SaveFailedError(StoryFileError):
    """A change could not be written to the story file; the text is still where it was."""


class StoryChangedError(Exception):
    """The story a job belonged to was closed or switched; its result was not written."""


class JobFailedError(Exception):
    """The model could not run a job; the message is meant for the author."""


class AgentOutputError(Exception):
    """The model's answer could not be used; the message is meant for the author."""


__all__ = [
    "AgentOutputError",
    "ContextBudgetError",
    "JobFailedError",
    "ManuscriptError",
    "ModelLoadError",
    "SaveFailedError",
    "StoryChangedError",
    "StoryFileError",
    "StoryLockedError",
    "ReadOnlyStoryError",
]
