"""Linear-time lookups over one piece of inline Markdown: brackets, code spans, destinations.

The inline parser asks the same questions again and again: which ']' closes this '[',
where does the code span opened here end, is this '(' a link destination and where
does it end. Answered by scanning forward from each position, a line full of unclosed
syntax ("[a](" or "`x" repeated) makes every answer a scan to the end of the text, and
the line quadratic. Here each kind of answer is worked out once per text, in one
left-to-right pass, and later questions are looked up.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import deque

__all__ = ["ESCAPED", "MAX_PARENS", "Spans", "unescape_run"]

ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
MAX_PARENS = 32  # nested parentheses in a link destination (CommonMark's own limit)

# The next run of '[' or of ']' that is not escaped, the text and escapes before it
# passed in one match: a line of escaped HTML ("\\<a \\<a ...") is then one step, not
# one per escape, and "[[[[...]]]]" two steps, not one per bracket.
_NEXT_BRACKETS = re.compile(r"(?:[^\\\[\]]++|\\[\s\S])*+(\[++|\]++)")
_TICKS = re.compile(r"`+")
_OPENS_DESTINATION = re.compile(r"\]\([ \t\n]*")
_DESTINATION_STOP = re.compile(r"[\\() \t\n]")
_ANGLE_STOP = re.compile(r"[<>\n]")
_SPACES = re.compile(r"[ \t\n]*")


class Spans:
    """Where the brackets, code spans and link destinations of one text begin and end."""

    def __init__(self, text: str) -> None:
        self.text = text
        # A link destination closes with a ')': none opens after the text's last one, so
        # a tail of unclosed "[a](" (or "![a](") is text, passed over without questions.
        self.open_until = text.rfind(")")
        self._ticks: tuple[list[int], list[int], list[int]] | None = None
        self._code: dict[int, tuple[int, int]] = {}  # asked twice: by bold markers, by inlines
        self._bare: dict[int, int] | None = None
        self._destinations: dict[int, tuple[str, int] | None] = {}
        self._where: dict[str, list[int]] = {}

    def brackets(self, end: int | None = None) -> tuple[dict[int, int], set[int]]:
        """'[' index -> its ']' index (escapes honoured); and the '['s whose pair holds a pair.

        Only the brackets before end (default: all) are paired.
        """
        text = self.text
        pairs: dict[int, int] = {}
        holders: set[int] = set()
        stack: list[int] = []
        i = 0
        end = len(text) if end is None else end
        while (match := _NEXT_BRACKETS.match(text, i, end)) is not None:
            start, i = match.span(1)
            if text[start] == "[":
                if i - start == 1:
                    stack.append(start)
                else:
                    stack.extend(range(start, i))
                continue
            if i - start == 1:  # one ']', the common case: no slices
                if stack:
                    pairs[stack.pop()] = start
                    if stack:
                        holders.add(stack[-1])
                continue
            # A run of ']' closes the innermost open '['s, one each, as a loop popping
            # them one by one would: the k-th popped pairs with the k-th ']', and each
            # one left on top afterwards holds the pair just closed.
            closed = min(i - start, len(stack))
            if not closed:
                continue
            popped = stack[-closed:]
            del stack[-closed:]
            popped.reverse()
            pairs.update(zip(popped, range(start, start + closed), strict=True))
            holders.update(popped[1:])
            if stack:
                holders.add(stack[-1])
        return pairs, holders

    def find(self, char: str, start: int) -> int:
        """text.find(char, start), from a sorted list of where char stands."""
        # linear: text.find from every unclosed link title ("[a](b (" repeated) would
        # scan to the end of the text each time.
        where = self._where.get(char)
        if where is None:
            where = self._where[char] = [m.start() for m in re.finditer(re.escape(char), self.text)]
        k = bisect_left(where, start)
        return where[k] if k < len(where) else -1

    def code(self, i: int) -> tuple[int, int]:
        """(length of the backtick run from text[i], index of its closing run or -1).

        The closing run is the first later run of at least that many backticks, as
        text.find("`" * run, i + run) would find it.
        """
        text = self.text
        if not text.startswith("`", i + 1):
            # One backtick: it closes at the next one. Found by text.find, as cheap as
            # a look-up, and linear: after a find that fails no backtick is left.
            return 1, text.find("`", i + 1)
        if (known := self._code.get(i)) is not None:
            return known
        if self._ticks is None:
            self._ticks = _tick_runs(self.text)
        starts, lengths, longer = self._ticks
        j = bisect_right(starts, i) - 1
        run = starts[j] + lengths[j] - i
        # linear: runs skipped by `longer` are no longer than the run they are skipped
        # from, so each step meets a longer run, and a question for `run` backticks
        # takes fewer than `run` steps.
        k = j + 1
        while k < len(starts) and lengths[k] < run:
            k = longer[k]
        found = self._code[i] = (run, starts[k] if k < len(starts) else -1)
        return found

    def destination(self, start: int) -> tuple[str, int] | None:
        """Parse '(dest "title")' at text[start] == '('; return (dest, index after ')')."""
        if start >= self.open_until:
            return None  # no ')' after it
        if start not in self._destinations:
            self._destinations[start] = self._destination(start)
        return self._destinations[start]

    def _destination(self, start: int) -> tuple[str, int] | None:
        text = self.text
        n = len(text)
        i = _after_spaces(text, start + 1)
        escaped = True
        if i < n and text[i] == "<":
            # An angle-bracket destination holds no '<' and no line break: stopping at the
            # first of those keeps a page full of unclosed "](<" linear.
            stop = _ANGLE_STOP.search(text, i + 1)
            if stop is None or stop.group(0) != ">":
                return None
            begin, end, i = i + 1, stop.start(), stop.end()
            escaped = False  # backslashes in <...> are kept as written
        else:
            begin = i
            end = self._bare_end(i)
            if end == -1:
                return None
            i = end
        i = _after_spaces(text, i)
        if i < n and text[i] in "\"'(":
            close = self.find(")" if text[i] == "(" else text[i], i + 1)
            if close == -1:
                return None
            i = _after_spaces(text, close + 1)
        if i < n and text[i] == ")":
            # Sliced only now: a failed destination costs no copy of its text.
            dest = text[begin:end]
            return (ESCAPED.sub(r"\1", dest) if escaped else dest), i + 1
        return None

    def _bare_end(self, begin: int) -> int:
        """Where a destination without '<>' that starts at begin ends; -1 if too deep."""
        if self._bare is None:
            opens = _OPENS_DESTINATION.finditer(self.text, 0, max(self.open_until, 0))
            starts = [m.end() for m in opens]
            self._bare = _bare_ends(self.text, starts)
        end = self._bare.get(begin)
        return end if end is not None else _bare_ends(self.text, [begin])[begin]


def unescape_run(run: str) -> str:
    """ESCAPED.sub(r"\\1", run) for a run whose every backslash is part of an escape."""
    # With str methods, not a substitution: Python expands the template once per match,
    # and a line of escaped HTML (\<a \<a ...) has hundreds of thousands. A run of
    # backslashes begins where an escape begins, so splitting at each doubled backslash,
    # left to right, pairs them up as the escapes do; every other backslash is dropped.
    return "\\".join(part.replace("\\", "") for part in run.split("\\\\"))


def _after_spaces(text: str, i: int) -> int:
    """The index of the first character from i on that is not a space, tab or line break."""
    match = _SPACES.match(text, i)
    return match.end() if match is not None else i


def _tick_runs(text: str) -> tuple[list[int], list[int], list[int]]:
    """Starts and lengths of the backtick runs; for each, the next longer run's index."""
    spans = [match.span() for match in _TICKS.finditer(text)]
    starts = [start for start, _ in spans]
    lengths = [end - start for start, end in spans]
    longer = [len(starts)] * len(starts)
    waiting: list[int] = []  # runs whose next longer run is not met yet: lengths descend
    for k, length in enumerate(lengths):
        while waiting and lengths[waiting[-1]] < length:
            longer[waiting.pop()] = k
        waiting.append(k)
    return starts, lengths, longer


def _bare_ends(text: str, starts: list[int]) -> dict[int, int]:
    """For each start (ascending), where a bare destination beginning there ends.

    A destination ends at a space, a tab, a line break or an unbalanced ')', and fails
    (-1) beyond MAX_PARENS open parentheses. Scanned from every start separately, a text
    of "[a](" repeated costs MAX_PARENS steps per start; here one pass moves every open
    destination at once: they all see the same characters, and each one's depth is the
    text's running balance of parentheses minus the balance where it began.
    """
    n = len(text)
    ends: dict[int, int] = {}
    # Open destinations, oldest first, as (balance where it began, start). Older ones
    # began at a lower or equal balance, so the deepest are at the left and the ones a
    # ')' closes at the right.
    open_: deque[tuple[int, int]] = deque()
    balance = 0
    pos = 0
    k = 0
    while k < len(starts) or open_:
        if not open_:
            pos = max(pos, starts[k])
        match = _DESTINATION_STOP.search(text, pos)
        stop = match.start() if match is not None else n
        while k < len(starts) and starts[k] <= stop:
            open_.append((balance, starts[k]))
            k += 1
        if match is None:
            break
        char = text[stop]
        pos = stop + 1
        if char == "\\":
            pos = min(stop + 2, n)
        elif char == "(":
            balance += 1
            while open_ and balance - open_[0][0] > MAX_PARENS:
                ends[open_.popleft()[1]] = -1
        elif char == ")":
            while open_ and open_[-1][0] == balance:
                ends[open_.pop()[1]] = stop
            balance -= 1
        else:  # whitespace ends every open destination
            for _, begin in open_:
                ends[begin] = stop
            open_.clear()
    for _, begin in open_:
        ends[begin] = n
    return ends
