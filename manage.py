#!/usr/bin/env python
"""Django's command-line utility for Kontor (the same as the `kontor` command)."""

from kontor.cli import main

if __name__ == "__main__":
    main()
