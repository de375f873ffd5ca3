"""JSON bodies with a bounded nesting depth.

Python's json module recurses once per level: a body of a thousand "[" (6 KB) ends in a
RecursionError, a server error, even on the unauthenticated token endpoint. No body of
this API nests deeper than a few levels, so anything past MAX_DEPTH is refused with the
usual 400 before it is parsed.
"""

import io
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32
_OPEN, _CLOSE, _QUOTE, _ESCAPE = b"[{", b"]}", ord('"'), ord("\\")


def nesting_depth(data: bytes, limit: int) -> int:
    """The deepest nesting of arrays and objects, counting outside strings; stops past limit."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == _ESCAPE:
                escaped = True
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
        elif byte in _OPEN:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif byte in _CLOSE:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = stream.read() if stream is not None else b""
        if nesting_depth(data, MAX_DEPTH) > MAX_DEPTH:
            raise ParseError(_("Dữ liệu JSON lồng nhau quá sâu (tối đa %(n)d mức).")
                             % {"n": MAX_DEPTH})
        return super().parse(io.BytesIO(data), media_type, parser_context)
