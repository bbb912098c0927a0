from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from advisor.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Load the demo firm with its users and clients (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DJANGO_DEBUG=0 (demo passwords are public).",
        )

    def handle(self, *args, allow_production=False, **options):
        if settings.PRODUCTION and not allow_production:
            raise CommandError(
                "Production mode (DJANGO_DEBUG=0): nothing seeded. "
                "Pass --allow-production to load the demo firm anyway."
            )
        report = seed_demo()
        if report.created:
            self.stdout.write(
                f"Demo firm loaded: created {len(report.created)} records."
            )
        else:
            self.stdout.write("Demo firm already loaded: nothing changed.")
        self.stdout.write("Demo logins (username / password):")
        for username, password, role in report.logins:
            self.stdout.write(f"  {username:<11} {password:<22} {role}")
