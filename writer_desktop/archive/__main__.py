"""`python -m writer_desktop.archive PATH`: the archive's child process (see process.py)."""

import sys

from writer_desktop.archive.process import child_main

if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
