"""Read the JSON panels actually send.

Panels prefix answers with a byte-order mark, leave trailing commas, forget commas between
members and write bare words (``"status": Success``). Valid JSON takes the fast path through
the standard library; anything else goes through a small forgiving parser. Either way numbers
with a fraction become ``Decimal`` straight from their text, never a float.
"""

import json
import re
from decimal import Decimal


class NotJSON(ValueError):
    """The text is not JSON, not even sloppy JSON."""


def loads(text: str):
    text = text.lstrip("\ufeff").strip()
    if not text:
        raise NotJSON("empty body")
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError:
        pass
    if text[0] not in "[{":
        raise NotJSON("the body does not start with { or [")
    # The usual slips are fixed with one regular-expression pass, at the standard library's
    # speed (a sloppy catalog can be megabytes); whatever that misses, the parser handles.
    try:
        return json.loads(_REPAIRABLE.sub(_repair, text), parse_float=Decimal)
    except ValueError:
        return _ForgivingParser(text).document()


# Outside strings (which are matched whole and kept): a trailing comma, a bare word after a
# colon or in a list, and the spot between a value and a new line starting the next member
# where a comma is missing.
_REPAIRABLE = re.compile(
    r"""
    "(?:[^"\\]|\\.)*"
    | ,(?=\s*[}\]])
    | (?<=[:\[,])\s*[A-Za-z_][^\s,:\]}\[{"']*
    | (?<=["\]}\del])(?=[ \t\r]*\n\s*["{\[])
    """,
    re.VERBOSE,
)


def _repair(match: re.Match) -> str:
    piece = match.group()
    if piece.startswith('"'):
        return piece
    if piece == ",":
        return ""  # trailing comma
    if piece == "":
        return ","  # missing comma
    word = piece.lstrip()
    if word in ("true", "false", "null"):
        return piece
    return piece[: len(piece) - len(word)] + json.dumps(word)


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_BARE_WORD = re.compile(r"[^\s,:\]\}\[\{\"']+")
_LITERALS = {"true": True, "false": False, "null": None}
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class _ForgivingParser:
    def __init__(self, text: str):
        self.text = text
        self.at = 0

    def document(self):
        value = self.value()
        self.skip_space()
        if self.at != len(self.text):
            raise NotJSON(f"unexpected text at offset {self.at}")
        return value

    def skip_space(self):
        while self.at < len(self.text) and self.text[self.at] in " \t\r\n":
            self.at += 1

    def peek(self) -> str:
        self.skip_space()
        if self.at >= len(self.text):
            raise NotJSON("the body ends too early")
        return self.text[self.at]

    def value(self):
        char = self.peek()
        if char == "{":
            return self.members()
        if char == "[":
            return self.items()
        if char in "\"'":
            return self.string()
        return self.scalar()

    def members(self) -> dict:
        self.at += 1
        result = {}
        while True:
            char = self.peek()
            if char == ",":
                self.at += 1
                continue
            if char == "}":
                self.at += 1
                return result
            key = self.string() if char in "\"'" else str(self.scalar())
            if self.peek() != ":":
                raise NotJSON(f"expected ':' at offset {self.at}")
            self.at += 1
            result[key] = self.value()

    def items(self) -> list:
        self.at += 1
        result = []
        while True:
            char = self.peek()
            if char == ",":
                self.at += 1
                continue
            if char == "]":
                self.at += 1
                return result
            result.append(self.value())

    def string(self) -> str:
        quote = self.text[self.at]
        self.at += 1
        chunks = []
        while self.at < len(self.text):
            char = self.text[self.at]
            if char == quote:
                self.at += 1
                return "".join(chunks)
            if char == "\\":
                chunks.append(self.escape())
                continue
            chunks.append(char)
            self.at += 1
        raise NotJSON("a string is not closed")

    def escape(self) -> str:
        code = self.text[self.at + 1 : self.at + 2]
        if code == "u":
            digits = self.text[self.at + 2 : self.at + 6]
            self.at += 6
            try:
                return chr(int(digits, 16))
            except ValueError:
                raise NotJSON("a broken \\u escape") from None
        self.at += 2
        return _ESCAPES.get(code, code)

    def scalar(self):
        number = _NUMBER.match(self.text, self.at)
        word = _BARE_WORD.match(self.text, self.at)
        if word is None:
            raise NotJSON(f"unexpected {self.text[self.at]!r} at offset {self.at}")
        self.at = word.end()
        if number and number.end() == word.end():
            token = number.group()
            return int(token) if number.group(1) is None and not number.group(2) else Decimal(token)
        return _LITERALS.get(word.group(), word.group())
