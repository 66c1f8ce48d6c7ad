"""A small, safe reader of PHP's `serialize()` format, for SuiteCRM's `user_preferences`.

SuiteCRM stores a user's settings (time zone, date format, …) as base64 of a serialized PHP
array. `loads()` reads the scalar types, strings and arrays such data holds; it evaluates
nothing and creates no objects: an object (`O:`) becomes a dict of its properties, references
(`r:`/`R:`) and custom serializations (`C:`) are refused. Any damage raises `PhpSerialError`,
which the migration reports before going on with the default.
"""

import base64
import binascii


class PhpSerialError(ValueError):
    """The data is not a (supported) PHP serialization."""


def loads(data: bytes | str):
    """The Python value of PHP-serialized `data`: None, bool, int, float, str, or a dict
    (PHP arrays keep their keys; string keys as str, integer keys as int)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    value, end = _Reader(data).read(0)
    if end != len(data):
        raise PhpSerialError(f"unexpected data after position {end}")
    return value


def loads_base64(text: str | bytes):
    """`loads()` of base64-encoded data, as in `user_preferences.contents`."""
    try:
        raw = base64.b64decode(text or b"", validate=False)
    except (binascii.Error, ValueError) as error:
        raise PhpSerialError(f"not base64: {error}") from None
    return loads(raw)


class _Reader:
    # Nested arrays deeper than this are refused rather than walked (no runaway recursion).
    MAX_DEPTH = 64

    def __init__(self, data: bytes):
        self.data = data

    def _until(self, pos: int, stop: bytes) -> tuple[bytes, int]:
        end = self.data.find(stop, pos)
        if end < 0:
            raise PhpSerialError(f"missing {stop!r} after position {pos}")
        return self.data[pos:end], end + 1

    def _expect(self, pos: int, token: bytes) -> int:
        if self.data[pos : pos + len(token)] != token:
            raise PhpSerialError(f"expected {token!r} at position {pos}")
        return pos + len(token)

    def _int(self, raw: bytes, pos: int) -> int:
        try:
            return int(raw)
        except ValueError:
            raise PhpSerialError(f"bad number {raw[:20]!r} at position {pos}") from None

    def read(self, pos: int, depth: int = 0):
        if depth > self.MAX_DEPTH:
            raise PhpSerialError("nested too deeply")
        kind = self.data[pos : pos + 1]
        if kind == b"N":
            return None, self._expect(pos + 1, b";")
        if kind in (b"b", b"i", b"d"):
            raw, end = self._until(self._expect(pos + 1, b":"), b";")
            if kind == b"d":
                try:
                    return float(raw), end
                except ValueError:
                    raise PhpSerialError(f"bad float at position {pos}") from None
            number = self._int(raw, pos)
            if kind == b"b" and number not in (0, 1):
                raise PhpSerialError(f"bad boolean at position {pos}")
            return (bool(number) if kind == b"b" else number), end
        if kind == b"s":
            return self._string(pos)
        if kind == b"a":
            raw, pos = self._until(self._expect(pos + 1, b":"), b":")
            return self._members(self._int(raw, pos), pos, depth)
        if kind == b"O":
            # O:<len>:"<class>":<n>:{…}: the class is ignored, the properties kept.
            _name, pos = self._string(pos)
            pos = self._expect(pos - 1, b":")  # _string consumed ";" where ":" follows
            raw, pos = self._until(pos, b":")
            return self._members(self._int(raw, pos), pos, depth)
        raise PhpSerialError(f"unsupported type {kind!r} at position {pos}")

    def _string(self, pos: int) -> tuple[str, int]:
        raw, pos = self._until(self._expect(pos + 1, b":"), b":")
        length = self._int(raw, pos)
        pos = self._expect(pos, b'"')
        if length < 0 or pos + length > len(self.data):
            raise PhpSerialError(f"string length {length} beyond the data")
        value = self.data[pos : pos + length]
        end = self._expect(pos + length, b'"')
        # Strings end with ";" and class names with ":"; both are one byte.
        if self.data[end : end + 1] not in (b";", b":"):
            raise PhpSerialError(f"expected ';' at position {end}")
        return value.decode("utf-8", errors="replace"), end + 1

    def _members(self, count: int, pos: int, depth: int) -> tuple[dict, int]:
        pos = self._expect(pos, b"{")
        result = {}
        for _i in range(count):
            key, pos = self.read(pos, depth + 1)
            if not isinstance(key, int | str) or isinstance(key, bool):
                raise PhpSerialError(f"bad array key at position {pos}")
            result[key], pos = self.read(pos, depth + 1)
        return result, self._expect(pos, b"}")
