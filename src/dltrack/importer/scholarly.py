"""One address per paper: arXiv and DOI links in the many spellings reading lists use.

A paper on arXiv is linked as ``/abs/ID``, ``/pdf/ID``, ``/pdf/ID.pdf``, with or
without a version, on ``arxiv.org``, ``www.arxiv.org`` or ``export.arxiv.org``; a
DOI through ``doi.org`` or ``dx.doi.org``, over http or https. Each is one paper:
the stored form is ``https://arxiv.org/abs/ID`` (with the version only when the
link pins one) or ``https://doi.org/DOI``; the comparison key also drops the
version (an arXiv paper's versions are one reading item) and the DOI's case (DOIs
are case-insensitive).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = ["SCHOLARLY_HOSTS", "scholarly"]

ARXIV_HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org"})
DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
SCHOLARLY_HOSTS = ARXIV_HOSTS | DOI_HOSTS

# New-style ids (1512.03385, 2101.00001) and old-style ones (cs/0112017, math.GT/0309136).
_ARXIV_PATH = re.compile(
    r"/(?:abs|pdf|html|ps|format)/"
    r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?/\d{7})"
    r"(v\d+)?(?:\.pdf)?/?",
)
_DOI_PATH = re.compile(r"/(10\.\d{4,9}/\S+)")


def scholarly(host: str, path: str) -> tuple[str, str] | None:
    """(stored URL, comparison key) for an arXiv or DOI link, else None."""
    if host in ARXIV_HOSTS:
        match = _ARXIV_PATH.fullmatch(path)
        if match is None:
            return None
        paper, version = match.group(1), match.group(2) or ""
        return f"https://arxiv.org/abs/{paper}{version}", f"https://arxiv.org/abs/{paper}"
    if host in DOI_HOSTS:
        match = _DOI_PATH.fullmatch(path)
        if match is None:
            return None
        doi = match.group(1)
        return f"https://doi.org/{doi}", "https://doi.org/" + unquote(doi).lower()
    return None
