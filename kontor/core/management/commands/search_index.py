"""`kontor search_index check|rebuild [slug …]`: for operators, after a VACUUM or a restore."""

from django.core.management.base import BaseCommand, CommandError

from kontor.core import registry, search_index


class Command(BaseCommand):
    help = "Check or rebuild the search indexes of the record tables (all, or the named modules)."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["check", "rebuild"])
        parser.add_argument("slugs", nargs="*", help="module slugs, e.g. leads contacts")

    def handle(self, *args, verb, slugs, **options):
        try:
            modules = [registry.get(s) for s in slugs] if slugs else registry.modules()
        except KeyError as error:
            raise CommandError(f"unknown module {error}") from None
        models = [m.model for m in modules]
        if verb == "rebuild":
            for model in models:
                search_index.rebuild(model)
                self.stdout.write(f"rebuilt {model._meta.db_table}")
            return
        stale = search_index.stale_tables(models)
        for table in stale:
            self.stdout.write(f"stale: {table} (run: kontor search_index rebuild)")
        if stale:
            raise CommandError(f"{len(stale)} stale search index(es)")
        self.stdout.write("search indexes ok")
