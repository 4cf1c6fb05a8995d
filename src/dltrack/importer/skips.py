"""What the importer leaves out, and why: platform footers and links that are not reading."""

from __future__ import annotations

import re

# Section titles (matched whole, case-insensitive) that start platform chrome: the
# platform's recommendations, column lists, comment threads, share bars.
DEFAULT_FOOTERS: tuple[str, ...] = (
    r"推荐阅读",
    r"相关推荐",
    r"猜你喜欢",
    r"热门推荐",
    r"文章被以下专栏收录",
    r"\d*\s*条评论",
    r"(精选|热门|全部|最新)?(评论|留言)(区)?",
    r"写下你的评论.*",
    r"分享(到)?",
    r"(related|recommended) (posts|articles|reading|stories)",
    r"comments?",
    r"\d+\s+comments?",
    r"(\d+|one|two|three)\s+(responses?|replies|thoughts?)( (to|on) .*)?",
    r"(发表|网友|用户|读者)(评论|留言)",
    r"leave a (reply|comment)",
    r"share( this)?( post| article)?:?",
    # A repository's own business, and the people behind it: never reading.
    r"[\W_]*(contribut(e|ing|ors?|ion|ions)( guide(lines?)?)?|how to contribute|licen[cs]es?|"
    r"credits?|acknowledge?ments?|thanks|sponsors?|backers?|maintainers?|translators?|"
    r"贡献(者|指南|代码)?|参与贡献|如何贡献|致谢|鸣谢|感谢|许可(证|协议)?|开源(许可|协议)|"
    r"维护者|译者|翻译(者|人员)|赞助(商|者)?)[\W_]*",
    # What the repository means to add one day: plans, not reading.
    r"[\W_]*(to-?do( list)?|待添加|待补充|待办|待更新|计划添加)(计划|事项|内容|列表|清单)?[\W_]*"
    r"(roadmap|to-?do)?[\W_]*",
)

# Why a link is left out; shown to curators by `dltrack import --dry-run`.
IMAGE = "image"
LINKED_IMAGE = "linked image without text"
AVATAR = "avatar"
PROFILE = "profile or column page"
SHARE = "share button"
ANCHOR = "in-page anchor"
RELATIVE = "relative link (no base URL)"
NOT_WEB = "not a web address"
NO_TEXT = "link without text"
DUPLICATE = "duplicate in this section"
COMMENTS = "comment thread"
FOOTER = "page footer"
SKIP_RULE = "skip rule"
CHROME = "page chrome"
REPO_META = "repository meta"

# Links that are never reading items: images, avatars, author and column pages, sharing.
_SKIP_RULES: tuple[tuple[str, str], ...] = (
    (r"\.(png|jpe?g|gif|svg|webp|bmp|ico|tiff?)([?#]|$)", IMAGE),
    (r"^https?://pic\d*\.zhimg\.com/", IMAGE),
    (r"^https?://[^/]*\.(qpic|qlogo)\.cn/", IMAGE),
    (r"^https?://(www\.)?gravatar\.com/avatar", AVATAR),
    (r"^https?://avatars\d*\.githubusercontent\.com/", AVATAR),
    (r"^https?://(www\.)?zhihu\.com/(people|org)/", PROFILE),
    (r"^https?://(www\.)?jianshu\.com/u/", PROFILE),
    (r"^https?://juejin\.(cn|im)/user/", PROFILE),
    # A channel, collection or list of someone's videos is content; their page is not.
    (r"^https?://space\.bilibili\.com/\d+/?(\?[^/]*)?$", PROFILE),
    (r"^https?://(www\.)?weibo\.com/(u/)?[\w-]+/?(\?[^/]*)?$", PROFILE),
    (r"^https?://(www\.|mobile\.)?(twitter|x)\.com/@?\w+/?(\?[^/]*)?$", PROFILE),
    (r"^https?://([a-z]+\.)?facebook\.com/[\w.-]+/?(\?[^/]*)?$", PROFILE),
    (r"^https?://([a-z]+\.)?linkedin\.com/(in|pub)/", PROFILE),
    (r"^https?://scholar\.google\.[a-z.]+/citations\?", PROFILE),
    # Someone's course certificate: a record of theirs, not a course to take.
    (r"^https?://(www\.)?coursera\.org/(account/accomplishments|verify)/", PROFILE),
    (
        r"^https?://(www\.)?github\.com/[\w.-]+/[\w.-]+/"
        r"(issues|pulls?|compare|fork|stargazers|watchers|network|graphs|discussions)(/|\?|$)",
        REPO_META,
    ),
    (
        r"^https?://(www\.)?github\.com/[\w.-]+/[\w.-]+/(blob|tree)/[^/]+/"
        r"(LICEN[CS]E|CONTRIBUTING|CODE_OF_CONDUCT)[\w.-]*$",
        REPO_META,
    ),
    (r"^https?://(www\.)?github\.com/[\w.-]+/[\w.-]+/(archive|zipball|tarball)/", CHROME),
    # A person's or organisation's page (github.com/name), as thanked in credits; their
    # repositories (github.com/name/repo) are reading.
    (r"^https?://(www\.)?github\.com/[\w-]+/?(\?[^/]*)?$", PROFILE),
    (r"^https?://(my|me)\.csdn\.net/", PROFILE),
    (r"^https?://service\.weibo\.com/share", SHARE),
    (r"^https?://connect\.qq\.com/widget/share", SHARE),
    (r"^https?://sns\.qzone\.qq\.com/", SHARE),
    (r"^https?://(www\.)?(twitter|x)\.com/(intent|share)", SHARE),
    (r"^https?://(www\.)?facebook\.com/shar", SHARE),
    (r"^https?://(www\.)?linkedin\.com/share", SHARE),
    (r"^https?://(www\.)?reddit\.com/submit", SHARE),
)
DEFAULT_SKIP_URLS: tuple[str, ...] = tuple(pattern for pattern, _ in _SKIP_RULES)
SKIP_REASONS = dict(_SKIP_RULES)

# A footer title that names a comment thread rather than other platform chrome.
COMMENT_TITLE = re.compile(r"评论|留言|comment|repl(y|ies)|responses?|thoughts? on", re.I)

# Whether any default skip rule matches, in two searches instead of one per rule: the
# rules anchored at the start ("^https?://host/...", none with a "|" outside a group)
# are tried together as one match.
_DEFAULT_ANCHORED = re.compile(
    "|".join(f"(?:{p})" for p in DEFAULT_SKIP_URLS if p.startswith("^")), re.I
)
_DEFAULT_UNANCHORED = [re.compile(p, re.I) for p in DEFAULT_SKIP_URLS if not p.startswith("^")]


# Link texts of page chrome: the buttons and badges a page puts around its content.
_CHROME = re.compile(
    r"(view|fork( me)?|edit|star|watch) (it |this (page |project )?)?on (github|gitlab|gitee)|"
    r"download (zip|tar(\.gz|ball)?|\.zip|\.tar\.gz)|edit this page|(back|return) to top|"
    r"↑.*top|返回顶部|回到顶部|(share|tweet|分享)( (on|to|到) .{1,20}| this| it)?|"
    r"分享到.{1,10}|(star|fork|watch|tweet|follow)",
    re.I,
)


def chrome_or_profile(text: str) -> str | None:
    """Why a link with this text is no reading item (page chrome, a @handle), else None."""
    if text.startswith("@") and " " not in text.strip():
        return PROFILE
    if len(text) <= 40 and _CHROME.fullmatch(text.strip(" →←↑↓»«|·")) is not None:
        return CHROME
    return None


def default_rule_may_match(url: str) -> bool:
    """True when one of the DEFAULT_SKIP_URLS rules matches url."""
    if _DEFAULT_ANCHORED.match(url) is not None:
        return True
    return any(pattern.search(url) for pattern in _DEFAULT_UNANCHORED)
