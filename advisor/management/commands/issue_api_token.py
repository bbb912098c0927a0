from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from advisor.models import ApiToken, User
from advisor.services import api_token_issue, api_tokens_revoke


class Command(BaseCommand):
    help = (
        "Issue a named REST API token for a user and print it (shown once: only "
        "its digest is kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="", help="What the token is for (default: cli)."
        )
        parser.add_argument(
            "--read-only",
            action="store_true",
            help="The token may only read (GET).",
        )
        parser.add_argument(
            "--expires-in-days", type=int, default=None, help="Expire after N days."
        )
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="Revoke the user's other tokens first.",
        )

    def handle(self, *args, username, name, read_only, expires_in_days, rotate, **_):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; no token issued.")
        if expires_in_days is not None and expires_in_days < 1:
            raise CommandError("--expires-in-days must be at least 1.")
        if rotate:
            revoked = api_tokens_revoke(user=user)
            self.stderr.write(f"Revoked {revoked} token(s) of {username}.")
        _, key = api_token_issue(
            user=user,
            name=name or "cli",
            scope=ApiToken.Scope.READ_ONLY if read_only else ApiToken.Scope.READ_WRITE,
            expires_at=timezone.now() + timedelta(days=expires_in_days)
            if expires_in_days
            else None,
        )
        self.stdout.write(key)
