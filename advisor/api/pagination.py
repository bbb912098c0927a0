import binascii
from base64 import b64decode
from urllib.parse import parse_qs

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Stable cursor pagination on the primary key: new rows never shift a page."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request):
        # A cursor we did not give is bad input, not a missing page (DRF reads
        # most garbage as the first page, and the rest as a 404).
        bad = ValidationError(
            {self.cursor_query_param: ["is not a cursor this API gave"]}
        )
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            text = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            tokens = parse_qs(text, keep_blank_values=True, strict_parsing=True)
        except (ValueError, UnicodeError, binascii.Error) as error:
            raise bad from error
        if not tokens or set(tokens) - {"o", "r", "p"}:
            raise bad
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise bad from error

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isdigit() and 1 <= int(raw) <= 10**6):
            raise ValidationError(
                {self.page_size_query_param: [f"must be 1 to {self.max_page_size}"]}
            )
        return super().get_page_size(request)
