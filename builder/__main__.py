"""Run the `blog` command as `python -m builder`."""

from builder.cli import main_exit

main_exit()
