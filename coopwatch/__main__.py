"""`python -m coopwatch` runs the command line."""

from coopwatch.cli import main

main()
