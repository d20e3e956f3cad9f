"""`python -m api.cli` runs the montage command line."""

from api.cli.app import main

main()
