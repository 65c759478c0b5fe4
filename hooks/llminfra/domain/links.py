"""Canonical forms of outbound links, used for display and de-duplication."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# WeChat appends share-tracking parameters every time an article is shared;
# only these identify the article itself.
WECHAT_ARTICLE_KEYS = ("__biz", "mid", "idx", "sn")
WECHAT_HOSTS = {"mp.weixin.qq.com"}

SAFE_SCHEMES = {"http", "https"}


def canonical_url(url: str) -> str:
    """Return the canonical form of ``url``.

    WeChat article links keep only ``__biz``, ``mid``, ``idx`` and ``sn`` (in
    that order) and lose the ``#rd`` fragment; other links only get their
    scheme and host lower-cased.
    """
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.netloc.lower()
    if host in WECHAT_HOSTS and parts.path == "/s" and parts.query:
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        kept = [(key, params[key]) for key in WECHAT_ARTICLE_KEYS if key in params]
        if kept:
            return urlunsplit((scheme, host, parts.path, urlencode(kept, safe="="), ""))
    if host in WECHAT_HOSTS:
        return urlunsplit((scheme, host, parts.path, parts.query, ""))
    return urlunsplit((scheme, host, parts.path, parts.query, parts.fragment))


def is_safe_outbound(url: str) -> bool:
    """True for absolute http(s) links, the only outbound links we render."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in SAFE_SCHEMES and bool(parts.netloc)
