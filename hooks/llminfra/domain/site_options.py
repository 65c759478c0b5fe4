"""The site's own options (``extra.llminfra`` in mkdocs.yml), typed, and the values derived from them.

This module knows nothing of MkDocs: ``llminfra.mkdocs_adapter.site_config``
validates the block and builds a ``SiteOptions``; every other layer only reads
it. Defaults here are the values a site gets when the block (or a key of it)
is absent.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from llminfra.domain.problems import SourceProblem

# The site feeds hold the newest `limit` entries; 0 = every entry.
DEFAULT_FEED_LIMIT = 50
# A reader subscribed to a tag gets its new entries; 301 tags × 50 entries would be most of a large site again.
DEFAULT_TAG_FEED_LIMIT = 20
DEFAULT_SOURCE_BRANCH = "main"
DEFAULT_UPSTREAM_REPOSITORY = "https://github.com/DongminWu/LLM-Infra-sys"
DEFAULT_UPSTREAM_BRANCH = "main"
DEFAULT_UPSTREAM_README_URL = "https://raw.githubusercontent.com/DongminWu/LLM-Infra-sys/main/README.md"


@dataclass(frozen=True)
class FeedSettings:
    limit: int = DEFAULT_FEED_LIMIT  # items of the site feeds; 0 = every entry
    tag_limit: int = DEFAULT_TAG_FEED_LIMIT  # items per tag feed; 0 = every entry
    author: str = ""  # empty: the site author, else the site name
    owner_email: str = ""  # the podcast's itunes:owner; empty: none is written


@dataclass(frozen=True)
class UpstreamSettings:
    """Where the upstream share list comes from (the ``sync`` command reads it)."""

    readme_url: str = DEFAULT_UPSTREAM_README_URL
    repository: str = DEFAULT_UPSTREAM_REPOSITORY
    branch: str = DEFAULT_UPSTREAM_BRANCH


@dataclass(frozen=True)
class SiteOptions:
    """Every option of the site: the ``extra.llminfra`` block, plus MkDocs' ``repo_url`` it combines with."""

    source_branch: str = DEFAULT_SOURCE_BRANCH  # branch of repo_url that edit and source links point into
    feeds: FeedSettings = field(default_factory=FeedSettings)
    upstream: UpstreamSettings = field(default_factory=UpstreamSettings)
    repo_url: str = ""  # MkDocs' top-level repo_url

    @property
    def repo_blob_url(self) -> str | None:
        """``{repo_url}/blob/{source_branch}/``, the base of entries' source-line links; None off GitHub."""
        return github_blob_url(self.repo_url, self.source_branch)


def github_blob_url(repository: str, branch: str) -> str | None:
    """The URL under which GitHub shows a repository's files at ``branch``; None for other hosts."""
    repository = (repository or "").rstrip("/")
    return f"{repository}/blob/{branch}/" if "github.com" in repository else None


@dataclass(frozen=True)
class SiteSettings:
    """What rendering and export need from mkdocs.yml, as MkDocs resolved it (no MkDocs types)."""

    docs_dir: str = "docs"
    site_url: str = ""
    site_name: str = ""
    site_description: str = ""
    site_author: str = ""
    use_directory_urls: bool = True
    # Markdown extensions (names or instances) and their configs, MkDocs' built-ins included.
    markdown_extensions: tuple = ()
    mdx_configs: Mapping[str, Any] = field(default_factory=dict)
    options: SiteOptions = field(default_factory=SiteOptions)


def option_notices(options: SiteOptions, config_name: str = "mkdocs.yml") -> list[SourceProblem]:
    """What a reader or a directory will miss with these options, as notices (they never fail a build)."""
    if options.feeds.owner_email:
        return []
    return [SourceProblem(config_name, 0, "extra.llminfra.feeds.owner_email is empty: the podcast has no "
                          "itunes:owner, which Apple Podcasts requires to list it",
                          "set it, or PODCAST_OWNER_EMAIL in the deploy workflow's environment", severity="notice")]


PAGE_META_UNSAFE = '<>"'


def escaped_page_meta(meta: Mapping[str, Any]) -> dict[str, Any] | None:
    """``meta`` with each of ``title``/``description`` that holds ``<``, ``>`` or ``"`` HTML-escaped; None if none does.

    Material prints both into ``<head>`` unescaped; the hooks escape them before
    the theme does, and export writes the same escaped values into front matter.
    """
    unsafe = [key for key in ("title", "description")
              if isinstance(meta.get(key), str) and any(char in meta[key] for char in PAGE_META_UNSAFE)]
    if not unsafe:
        return None
    escaped = dict(meta)
    for key in unsafe:
        escaped[key] = html.escape(escaped[key], quote=True)
    return escaped
