"""Backup and restore of a whole installation, for the operator: the database and the files
under MEDIA_ROOT in one tar.gz archive (`kontor backup`, `kontor restore`; docs/operations.md).

`archive` writes and checks the archive, `restore` puts it back, `postgres` runs PostgreSQL's
client tools.
"""


class BackupError(Exception):
    """A backup or restore refused or failed; the message is translated and for the operator."""
