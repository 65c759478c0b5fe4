"""The site's own options (``extra.llminfra`` in mkdocs.yml), typed, and the values derived from them.

This module knows nothing of MkDocs: ``llminfra.mkdocs_adapter.site_config``
validates the block and builds a ``SiteOptions``; every other layer only reads
it. Defaults here are the values a site gets when the block (or a key of it)
is absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# What each option holds, for the validation (``mkdocs_adapter.site_config`` builds MkDocs' typed config from
# these declarations, so an option is declared once: here, with its default, its kind and what it means).
WHOLE_NUMBER = "a whole number >= 0 (0 = every entry)"
TEXT = "a non-empty string"
OPTIONAL_TEXT = "a string"
HTTP_URL = "an absolute http(s) URL"


def option(default, kind: str, doc: str):
    """An option of the ``extra.llminfra`` block: its default, its kind (how it is validated) and its meaning."""
    return field(default=default, metadata={"kind": kind, "doc": doc})


def section(settings: type):
    """A nested block of options (``feeds:``, ``upstream:``), described by the dataclass ``settings``."""
    return field(default_factory=settings, metadata={"section": settings})


@dataclass(frozen=True)
class FeedSettings:
    # A reader subscribed to a tag gets its new entries; 301 tags × 50 entries would be most of a large site again.
    limit: int = option(50, WHOLE_NUMBER, "items of the site feeds; 0 = every entry")
    tag_limit: int = option(20, WHOLE_NUMBER, "items of each tag's feed; 0 = every entry")
    author: str = option("", OPTIONAL_TEXT, "the feeds' author; empty: site_author, else site_name")
    owner_email: str = option("", OPTIONAL_TEXT, "the podcast's itunes:owner address; empty: none is written")


@dataclass(frozen=True)
class UpstreamSettings:
    """Where the upstream share list comes from (the ``sync`` command reads it)."""

    readme_url: str = option("https://raw.githubusercontent.com/DongminWu/LLM-Infra-sys/main/README.md", HTTP_URL,
                             "the raw README that sync copies into the mirror")
    repository: str = option("https://github.com/DongminWu/LLM-Infra-sys", HTTP_URL,
                             "the upstream repository's web address")
    branch: str = option("main", TEXT, "the upstream branch sync follows")


@dataclass(frozen=True)
class SiteOptions:
    """Every option of the site: the ``extra.llminfra`` block, plus MkDocs' ``repo_url`` it combines with."""

    source_branch: str = option("main", TEXT, "the branch of repo_url that edit and source links point into")
    feeds: FeedSettings = section(FeedSettings)
    upstream: UpstreamSettings = section(UpstreamSettings)
    repo_url: str = ""  # MkDocs' top-level repo_url (not an option of the block)

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
