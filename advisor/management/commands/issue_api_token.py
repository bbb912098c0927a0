from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from advisor.models import User


class Command(BaseCommand):
    help = "Print a REST API token for a user (created on first use)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="Revoke the old token, issue a new one.",
        )

    def handle(self, *args, username, rotate=False, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; no token issued.")
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
