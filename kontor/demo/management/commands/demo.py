"""`kontor demo`: the demo database — admin / admin, a team and a believable CRM data set.

`make run` calls `demo --if-empty` on a fresh database; the records are built by
`kontor.demo.build` through the actions, so the change log and search work as in real use.
"""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kontor.core import registry
from kontor.demo.build import SEED, build_demo


class Command(BaseCommand):
    help = "Create the demo login admin/admin, a team and demo records (demo databases only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users.",
        )
        parser.add_argument(
            "--seed", type=int, default=SEED, help="Random seed; the same seed gives the same data."
        )

    def handle(self, *args, if_empty=False, seed=SEED, **options):
        if get_user_model().objects.exists():
            if if_empty:
                self.stdout.write("Demo data already loaded.")
                return
            raise CommandError("The database already has users; the demo needs an empty one.")
        started = time.monotonic()
        demo = build_demo(seed=seed)
        records = sum(module.model.objects.count() for module in registry.modules())
        self.stdout.write(
            f"Built {len(demo.users)} users and {records} records "
            f"in {time.monotonic() - started:.1f} s."
        )
        self.stdout.write(self.style.SUCCESS("Demo login: admin / admin"))
