"""Canonical forms of outbound links, used for display and de-duplication."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

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


# RFC 3986: characters that may stand in a URI as they are. Everything else
# (spaces, CJK, quotes, a "%" not followed by two hex digits) is percent-encoded.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_URI_CHARS = _UNRESERVED | frozenset(":/?#[]@!$&'()*+,;=")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def encode_once(text: str) -> str:
    """``text`` as a valid URI reference, percent-encoded exactly once.

    Accepts both forms a writer uses: raw (``a b/中文.mp3``) and encoded
    (``a%20b/%E4%B8%AD%E6%96%87.mp3``), and mixtures. An escape ``%XX`` is
    kept (hex upper-cased, unreserved characters decoded, as RFC 3986 §6.2.2
    normalises); every other character outside the URI alphabet is encoded as
    UTF-8. So ``encode_once(encode_once(x)) == encode_once(x)``, and the raw
    and encoded spellings of one file give the same string. ``%2B`` stays
    ``%2B``: a reserved character escaped is not the same URI as the character.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "%":
            match = _ESCAPE.match(text, i)
            if match:
                decoded = chr(int(match.group(1), 16))
                out.append(decoded if decoded in _UNRESERVED else "%" + match.group(1).upper())
                i += 3
                continue
            out.append("%25")
        elif char in _URI_CHARS:
            out.append(char)
        else:
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8")))
        i += 1
    return "".join(out)


# Query and fragment parameters whose values are credentials: tokens, signatures of signed URLs (S3, Azure, CDN),
# API keys, passwords, OAuth codes and sessions. Matched as parts of the lower-cased name, so ``X-Amz-Signature``,
# ``access_token`` and ``apiKey`` are caught; redacting a harmless value by mistake costs nothing.
_SECRET_NAME_PARTS = ("token", "sig", "secret", "pass", "pwd", "key", "auth", "credential", "session", "code", "jwt")
REDACTED = "***"


def redact_url(url: str) -> str:
    """``url`` fit to print: no user name or password, and no value of a parameter that looks like a credential.

    The one rule for every URL a command prints (sync, audio, their errors). Everything else is kept as written,
    so the URL can still be recognised. A secret in the path itself (some webhooks) cannot be told from a file name
    and is kept. Text that is not a URL (a local path) comes back unchanged.
    """
    scheme, separator, rest = url.partition("://")
    if not separator:
        return url
    cut = min((rest.find(mark) for mark in "/?#" if mark in rest), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    if "@" in authority:
        authority = REDACTED + "@" + authority.rpartition("@")[2]
    tail, hash_mark, fragment = tail.partition("#")
    path, question_mark, query = tail.partition("?")
    return (f"{scheme}://{authority}{path}{question_mark}{_redact_parameters(query)}"
            f"{hash_mark}{_redact_parameters(fragment)}")


def _redact_parameters(text: str) -> str:
    parts = []
    for part in text.split("&"):
        name, equals, _value = part.partition("=")
        secret = equals and any(word in unquote(name).lower() for word in _SECRET_NAME_PARTS)
        parts.append(f"{name}={REDACTED}" if secret else part)
    return "&".join(parts)
