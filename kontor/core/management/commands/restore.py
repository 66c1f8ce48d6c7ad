"""`kontor restore FILE [--yes]`: put back an archive of `kontor backup` over the configured
database and MEDIA_ROOT, for the operator (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.core.backup import BackupError
from kontor.core.backup.restore import restore


class Command(BaseCommand):
    help = (
        "Restore the database and the files under MEDIA_ROOT from an archive of `kontor backup`. "
        "Stop the web server and the workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive (.tar.gz) written by `kontor backup`.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace a database and files that hold data (without it, only an empty "
            "installation is restored into).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the archive (checksums, names, database vendor, migrations); "
            "change nothing.",
        )

    def handle(self, *args, file, yes, check, **options):
        try:
            restored = restore(file, yes=yes, check=check, say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = restored.manifest
        files = ngettext("%(count)s file", "%(count)s files", restored.files) % {
            "count": restored.files
        }
        if check:
            self.stdout.write(
                _(
                    "The backup of %(time)s (Kontor %(version)s) is whole and can be restored "
                    "here: the database and %(files)s. Nothing was changed."
                )
                % {
                    "time": manifest.get("created_at"),
                    "version": manifest.get("kontor_version"),
                    "files": files,
                }
            )
            return
        self.stdout.write(
            _("Restored the backup of %(time)s (Kontor %(version)s): the database and %(files)s.")
            % {
                "time": manifest.get("created_at"),
                "version": manifest.get("kontor_version"),
                "files": files,
            }
        )
        if restored.migrated:
            self.stdout.write(
                _("Applied the migrations it lacked: %(migrations)s")
                % {"migrations": ", ".join(restored.migrated)}
            )
