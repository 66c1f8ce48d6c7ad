"""The `kontor` command: Django's management commands under the product's name.

For operators and developers: `kontor migrate`, `kontor demo`, `kontor generate --leads 1000000`.
"""

import os
import sys


def main() -> None:
    """Run a management command with Kontor's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and not args[0].startswith("-"):
        # `kontor migrate-suitecrm` names the command module migrate_suitecrm
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["kontor", *args])
