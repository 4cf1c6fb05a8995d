"""A linear-time HTML tokenizer: start tags, end tags and text, read as html.parser reads them.

The standard library's html.parser rescans the rest of the document for every construct
it cannot finish: an unclosed start tag ('<a ' or '<a x=">" ' repeated) is parsed to the
end of the input, given up on, and the parser moves on to the next '<' and parses to the
end again, so a page of them is quadratic (a few hundred kilobytes took minutes; recent
Python releases changed these rules, older ones are still installed). This tokenizer
follows the same rules for what a tag, an attribute, a comment or plain text is, and
what happens to an unclosed one (it becomes text up to the next '>'), but remembers what
it learnt about the rest of the document, so no part of it is scanned twice.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Protocol

__all__ = ["NotHtml", "Tokens", "tokenize"]

CDATA_ELEMENTS = frozenset({"script", "style"})  # their content is text up to the end tag

_TAG_NAME = re.compile(r"[a-zA-Z][^\t\n\r\f />\x00]*")
_ATTR_NAME = re.compile(r"[^\s/>][^\s/=>]*")
_EQUALS = re.compile(r"\s*=+\s*")
_BARE_VALUE = re.compile(r"[^>\s]*")
_GAP = re.compile(r"(?:\s|/(?!>))*")  # between attributes: spaces, and '/' not before '>'
# An attribute without a value and the gap after it, in one match: _ATTR_NAME not
# followed by what _EQUALS matches (the name taken whole, never shortened to dodge it).
_BARE_ATTR = re.compile(r"([^\s/>][^\s/=>]*+)(?!\s*=)((?:\s|/(?!>))*)")
# A start or end tag with nothing but its name, which both rules above read alike.
_PLAIN_TAG = re.compile(r"<(/?)([a-zA-Z][-.a-zA-Z0-9:_]*)>")
_END_TAG = re.compile(r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>")
_COMMENT_END = re.compile(r"--\s*>")
_SECTION_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*\s*")
_SECTION_END = re.compile(r"]\s*]\s*>")
_OFFICE_SECTION_END = re.compile(r"]\s*>")
_SECTIONS = frozenset({"temp", "cdata", "ignore", "include", "rcdata"})
_OFFICE_SECTIONS = frozenset({"if", "else", "endif"})
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

Attrs = list[tuple[str, str | None]]


class NotHtml(ValueError):
    """The text has a construct html.parser gives up on ('<![' without a known name)."""


class Tokens(Protocol):
    """What the tokenizer reports, in document order."""

    def starttag(self, tag: str, attrs: Attrs, raw: str) -> None: ...

    def startendtag(self, tag: str, attrs: Attrs, raw: str) -> None: ...

    def endtag(self, tag: str) -> None: ...

    def data(self, text: str) -> None: ...


class _Ahead:
    """The next '>', quote or end of comment after a position, each looked for once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._last: dict[object, tuple[int, int, int]] = {}

    def find(self, key: str | re.Pattern[str], start: int) -> tuple[int, int]:
        """(start, end) of the first match of key at or after start, or (-1, -1)."""
        # linear: the tokenizer asks left to right, and the answer found from p holds
        # for every later question that starts between p and that answer.
        last = self._last.get(key)
        if last is not None:
            since, at, end = last
            if since <= start and (at == -1 or start <= at):
                return at, end
        if isinstance(key, str):
            at = self.text.find(key, start)
            end = at + len(key) if at != -1 else -1
        else:
            match = key.search(self.text, start)
            at, end = (match.start(), match.end()) if match is not None else (-1, -1)
        self._last[key] = (start, at, end)
        return at, end


class _Tokenizer:
    def __init__(self, text: str, out: Tokens) -> None:
        self.text = text
        self.out = out
        self.ahead = _Ahead(text)
        # Places inside a start tag (between attributes) from which the tag was already
        # found to run unclosed: a later tag that reaches one is unclosed too. One byte
        # per character of the text, made on the first unclosed tag.
        self.unclosed = bytearray()
        # Text not reported yet. Pieces that touch in the document go out as one: the
        # boundary between two is a '<' or a '>', so joining them joins no blank line
        # and no run of spaces. A comment or declaration between them flushes them.
        self.pending: list[str] = []
        self.last_special: int | None = None  # where the last '&' or '<![' stands

    def data(self, text: str) -> None:
        self.pending.append(text)

    def flush(self) -> None:
        if self.pending:
            self.out.data("".join(self.pending))
            self.pending.clear()

    def ignored(self, end: int) -> int:
        """A comment, declaration or processing instruction: text before it ends there."""
        if end != -1:
            self.flush()
        return end

    def mark_unclosed(self, visited: list[int]) -> None:
        if not self.unclosed:
            self.unclosed = bytearray(len(self.text) + 1)
        for k in visited:
            self.unclosed[k] = 1

    def run(self) -> None:
        text, n = self.text, len(self.text)
        pending, out = self.pending, self.out
        i = 0
        while i < n:
            j = text.find("<", i)
            if j == -1:
                j = n
            if i < j:
                pending.append(unescape(text[i:j]))
            if j == n:
                break
            if (plain := _PLAIN_TAG.match(text, j)) is not None:
                # Most tags ("<b>", "</li>"), read here in one step: the general path
                # below costs as much per tag as the rest of the import.
                if pending:
                    self.flush()
                closing, name = plain.groups()
                tag, end = name.lower(), plain.end()
                if closing:
                    out.endtag(tag)
                else:
                    out.starttag(tag, [], plain.group())
                    if tag in CDATA_ELEMENTS and (end := self.cdata(tag, end)) == -2:
                        break
                i = end
                continue
            end = self.construct(j)
            if end == -2:
                break  # an unclosed <script> or <style>: its content is never text
            if end == -1:
                # Unclosed: as html.parser does at the end of input, it is text up to
                # and including the next '>' (or up to the next '<', where this loop
                # goes on: no text is searched twice for it).
                end = self.ahead.find(">", j + 1)[1]
                if end == -1 and self.plain_tail(j):
                    # No '>' is left, so nothing from here on can close: the rest is
                    # text, one piece instead of one per would-be tag ('<a ' repeated).
                    self.pending.append(text[j:])
                    break
                if end == -1:
                    end = text.find("<", j + 1)
                    end = j + 1 if end == -1 else end
                self.pending.append(unescape(text[j:end]))
            i = end
        self.flush()

    def plain_tail(self, i: int) -> bool:
        """True when text[i:], which holds no '>', reads as text exactly as written."""
        # Without a '>' every construct from i on is unclosed and becomes text; that
        # text is unescaped, except a tag's junk, kept raw: with no '&' the two agree.
        # '<![' with an unknown name is the one construct that fails the whole page.
        if self.last_special is None:
            # Found once: asked from every tag of a page without '>', it must not scan.
            self.last_special = max(self.text.rfind("&"), self.text.rfind("<!["))
        return self.last_special < i

    def construct(self, i: int) -> int:
        """Read the construct at text[i] == '<'; return where it ends, or -1 if unclosed."""
        text = self.text
        after = text[i + 1 : i + 2]
        if after in _LETTERS:
            return self.start_tag(i)
        if after == "/":
            return self.end_tag(i)
        if text.startswith("<!--", i):
            return self.ignored(self.ahead.find(_COMMENT_END, i + 4)[1])
        if after == "?":
            return self.ignored(self.ahead.find(">", i + 2)[1])
        if after == "!":
            return self.ignored(self.declaration(i))
        self.data("<")
        return i + 1

    def declaration(self, i: int) -> int:
        text = self.text
        if text.startswith("<![", i):
            if i + 3 == len(text):
                return -1
            name = _SECTION_NAME.match(text, i + 3)
            if name is None:
                raise NotHtml(f"expected a name after '<![' at {i}")
            if name.end() == len(text):
                return -1
            kind = name.group().strip().lower()
            if kind in _SECTIONS:
                return self.ahead.find(_SECTION_END, i + 3)[1]
            if kind in _OFFICE_SECTIONS:
                return self.ahead.find(_OFFICE_SECTION_END, i + 3)[1]
            raise NotHtml(f"unknown marked section {kind!r} at {i}")
        if text[i : i + 9].lower() == "<!doctype":
            return self.ahead.find(">", i + 9)[1]
        return self.ahead.find(">", i + 2)[1]  # a bogus comment, ignored

    def end_tag(self, i: int) -> int:
        text = self.text
        if (match := _END_TAG.match(text, i)) is not None:
            # Its '>' is the first after i: no need to look ahead for one.
            self.flush()
            self.out.endtag(match.group(1).lower())
            return match.end()
        gt = self.ahead.find(">", i + 1)[0]
        if gt == -1:
            return -1
        self.flush()
        if (name := _TAG_NAME.match(text, i + 2)) is not None:
            self.out.endtag(name.group().lower())  # anything up to the '>' is ignored
        # else "</>" or "</ x>": nothing to close
        return gt + 1

    def start_tag(self, i: int) -> int:
        text, n = self.text, len(self.text)
        name = _TAG_NAME.match(text, i + 1)
        assert name is not None  # construct() saw a letter
        k = _gap(text, name.end())
        if self.unclosed and k < n and self.unclosed[k]:
            return -1  # a run of unclosed tags ('<a <a <a'): each is known at once
        if self.ahead.find(">", i + 1)[0] == -1 and self.plain_tail(i):
            return -1  # it cannot close, and reading its attributes would change nothing
        tag = name.group().lower()
        # Attributes as (name start, name end, value start, value end); the text is
        # sliced only once the tag turns out closed.
        found: list[tuple[int, int, int, int]] = []
        visited: list[int] = []
        while True:
            if k >= n or (self.unclosed and self.unclosed[k]):
                self.mark_unclosed(visited)
                return -1
            visited.append(k)
            char = text[k]
            if char == ">" or text.startswith("/>", k):
                empty = char == "/"  # <br/>: a start tag that is also its end
                end = k + 2 if empty else k + 1
                break
            if text[k - 1] not in "'\"/" and not text[k - 1].isspace():
                # No attribute may start here (it must follow a space, '/' or quote).
                if char in _LETTERS or char == "=":
                    self.mark_unclosed(visited)
                    return -1
                self.data(text[i:k])  # html.parser's "junk in a tag": text, unescaped
                return k
            if (bare := _BARE_ATTR.match(text, k)) is not None:
                found.append((k, bare.end(1), -1, -1))
                k = bare.end()
                continue
            attr = _ATTR_NAME.match(text, k)
            assert attr is not None  # text[k] is none of space, '/', '>'
            k = attr.end()
            value = (-1, -1)  # no value
            if (equals := _EQUALS.match(text, k)) is not None:
                v = equals.end()
                if v < n and text[v] in "'\"":
                    close = self.ahead.find(text[v], v + 1)[0]
                    if close != -1:
                        value = (v + 1, close)
                        k = close + 1
                    elif text[v - 1].isspace():
                        # An unclosed quote after '= ': html.parser's regex gives the
                        # space back and reads an empty value; the quote starts a name.
                        value = (v - 1, v - 1)
                        k = v - 1
                    elif equals.group().count("=") > 1:
                        # After '==' it gives back one '=', which starts a bare value.
                        bare = _BARE_VALUE.match(text, v - 1)
                        assert bare is not None
                        value = (v - 1, bare.end())
                        k = bare.end()
                    # else no value at all, as if the '=' were not there
                else:
                    bare = _BARE_VALUE.match(text, v)
                    assert bare is not None
                    value = (v, bare.end())
                    k = bare.end()
            found.append((attr.start(), attr.end(), *value))
            k = _gap(text, k)
        attrs: Attrs = []
        for name_at, name_end, value_at, value_end in found:
            value_text = None if value_at == -1 else text[value_at:value_end]
            if value_text:
                value_text = unescape(value_text)
            attrs.append((text[name_at:name_end].lower(), value_text))
        raw = text[i:end]
        self.flush()
        if empty:
            self.out.startendtag(tag, attrs, raw)
            return end
        self.out.starttag(tag, attrs, raw)
        if tag in CDATA_ELEMENTS:
            return self.cdata(tag, end)
        return end

    def cdata(self, tag: str, start: int) -> int:
        """Skip a <script> or <style> body: text (never tags) up to its end tag."""
        closing = re.compile(rf"</\s*{tag}\s*>", re.I)
        match = closing.search(self.text, start)
        if match is None:
            return -2
        if match.start() > start:
            self.data(self.text[start : match.start()])
        self.flush()
        self.out.endtag(tag)
        return match.end()


def _gap(text: str, i: int) -> int:
    match = _GAP.match(text, i)
    return match.end() if match is not None else i


def tokenize(text: str, out: Tokens) -> None:
    """Report the tags and text of an HTML (or mixed) document to out, in one pass."""
    _Tokenizer(text, out).run()
