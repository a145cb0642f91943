"""Path converters: `segment` is one raw path segment, percent-decoded (see api.middleware.raw_path).

Deliberately loose: a segment that is not a valid int, UUID or date still matches its route, and
the view answers 422 naming the parameter (a converter that refused it would make it a 404)."""

from urllib.parse import unquote


class Segment:
    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        # Only %25 and %2F are left encoded by the middleware: everything else is decoded already.
        return unquote(value) if "%" in value else value

    def to_url(self, value: str) -> str:
        return value.replace("%", "%25").replace("/", "%2F")
