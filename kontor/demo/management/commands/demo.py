"""`kontor demo`: the demo database (admin / admin and a believable data set)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from kontor.users.actions import create_user


class Command(BaseCommand):
    help = "Create the demo login admin/admin and demo records (demo databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the database already has users.")

    def handle(self, *args, if_empty=False, **options):
        if if_empty and get_user_model().objects.exists():
            self.stdout.write("Demo data already loaded.")
            return
        create_user("admin", password="admin", first_name="Ada", last_name="Admin",
                    email="admin@kontor.example", is_superuser=True)
        self.stdout.write(self.style.SUCCESS("Demo login: admin / admin"))
