"""JSON request bodies with a size cap (the API's default parser, REST_FRAMEWORK settings).

DRF's JSONParser reads the request stream itself (rest_framework.request.Request._load_stream
hands the parser the WSGI request, not `request.body`), so Django's
DATA_UPLOAD_MAX_MEMORY_SIZE never sees a JSON body. This parser refuses a body over
COURTDASH_API_MAX_JSON_BYTES with 413: by its declared length before reading, and by what it
reads (never more than the cap and one byte), whatever the header said.
"""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def too_large(limit: int) -> RequestTooLarge:
    return RequestTooLarge(
        _("请求体超过上限 %(limit)s，请分批提交") % {"limit": filesizeformat(limit)}
    )


class LimitedJSONParser(JSONParser):
    """JSONParser, refusing a body larger than COURTDASH_API_MAX_JSON_BYTES (413)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        limit = settings.COURTDASH_API_MAX_JSON_BYTES
        request = parser_context.get("request")
        meta = getattr(request, "META", {})
        try:
            declared = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise too_large(limit)
        body = _read_at_most(stream, limit + 1)
        if len(body) > limit:
            raise too_large(limit)
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = body.decode(encoding)
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except ValueError as error:  # UnicodeDecodeError is a ValueError
            raise ParseError(_("JSON 格式错误：%(error)s") % {"error": error}) from error


def _read_at_most(stream, size: int) -> bytes:
    """Up to `size` bytes (a server's stream may return less than asked per read)."""
    pieces: list[bytes] = []
    left = size
    while left > 0:
        piece = stream.read(min(left, 1 << 20))
        if not piece:
            break
        pieces.append(piece)
        left -= len(piece)
    return b"".join(pieces)
