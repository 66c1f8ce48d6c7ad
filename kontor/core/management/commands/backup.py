"""`kontor backup [--output FILE]`: the database and the files under MEDIA_ROOT in one tar.gz
archive, for the operator (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.core.backup import BackupError
from kontor.core.backup.archive import VENDOR_NAMES, create_backup


class Command(BaseCommand):
    help = "Back up the database and the files under MEDIA_ROOT into one tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="The archive to write (default: kontor-backup-<UTC time>.tar.gz here; a folder "
            "gets that name inside it). It appears only once complete.",
        )

    def handle(self, *args, output, **options):
        try:
            written = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = ngettext("%(count)s file", "%(count)s files", written.files) % {
            "count": written.files
        }
        self.stdout.write(
            _("Wrote %(path)s (%(size)s): the %(vendor)s database (%(database)s) and %(files)s.")
            % {
                "path": written.path,
                "size": filesizeformat(written.size),
                "vendor": VENDOR_NAMES[written.vendor],
                "database": filesizeformat(written.database_size),
                "files": files,
            }
        )
