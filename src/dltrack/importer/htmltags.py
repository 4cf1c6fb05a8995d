"""What the HTML converter knows of elements: which are blocks, items, chrome, void.

Names are lower case, as the tokenizer reports them. An element none of these sets
names is not HTML at all ("List<String>", "<https://...>") and is kept as text.
"""

from __future__ import annotations

import re

__all__ = [
    "BLOCKS",
    "BOLD",
    "CHROME_ROLES",
    "COMMENT_CONTAINER",
    "HEADINGS",
    "INLINE",
    "ITEMS",
    "KNOWN",
    "SECTIONING",
    "SKIP",
    "VOID",
]

COMMENT_CONTAINER = re.compile(
    r"comments?([-_]?(list|area|section|thread|wrapper|container|box|items?|v2))*"
    r"|commentlist(v2)?|comment-?item(v2)?|disqus_thread",
    re.I,
)

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "figure",
        "figcaption",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "ul",
        "ol",
        "dl",
        "dd",
        "dt",
        "center",
        "details",
        "summary",
        "address",
        "body",
        "html",
        "caption",
    }
)
ITEMS = frozenset({"li", "tr"})
BOLD = frozenset({"strong", "b"})
# Elements whose content is never reading material: scripts, page chrome, share buttons.
SKIP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "button",
        "nav",
        "footer",
        "aside",
        "form",
        "textarea",
        "select",
        "head",
        "title",
        "iframe",
        "object",
        "video",
        "audio",
    }
)
VOID = frozenset(
    {
        "br",
        "img",
        "hr",
        "input",
        "meta",
        "link",
        "source",
        "wbr",
        "col",
        "area",
        "base",
        "embed",
        "param",
        "track",
    }
)
# Inline elements that carry no structure worth keeping; their text is kept.
INLINE = frozenset(
    {
        "span",
        "em",
        "i",
        "u",
        "s",
        "del",
        "ins",
        "font",
        "small",
        "big",
        "sup",
        "sub",
        "mark",
        "abbr",
        "cite",
        "time",
        "label",
        "code",
        "kbd",
        "samp",
        "var",
        "q",
        "tt",
        "strike",
        "bdi",
        "bdo",
        "data",
        "dfn",
        "picture",
        "th",
        "td",
        "colgroup",
        "a",
        "pre",
        "ruby",
        "rt",
        "rp",
    }
)
KNOWN = BLOCKS | ITEMS | BOLD | SKIP | VOID | INLINE | frozenset(HEADINGS) | frozenset({"li"})

# Page chrome by its ARIA role: a site's banner, menus, search box, footer and sidebars.
# Their links are the site's, not the page's reading.
CHROME_ROLES = frozenset({"banner", "navigation", "search", "contentinfo", "complementary"})
# A <header> inside one of these heads that part of the page (an article's title and
# date); anywhere else it is the site's banner (as the HTML standard maps it to roles).
SECTIONING = frozenset({"article", "main", "section", "aside", "nav"})
