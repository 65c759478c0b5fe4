"""What rendering depends on besides the catalog: URLs, edit links, the Markdown converter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import markdown


@dataclass
class RenderOptions:
    use_directory_urls: bool = True
    site_url: str = ""
    # e.g. https://github.com/owner/repo/blob/main/ ; entries link to their source line
    repo_blob_url: str | None = None
    # Builds the Markdown converter used for source text that contains raw HTML;
    # the hook passes one configured like the site's own.
    markdown_factory: Callable[[], markdown.Markdown] | None = None
    # What stands for a block of template HTML in a source page's markdown. The MkDocs adapter
    # passes a one-line token that its Markdown extension swaps back (llminfra.mkdocs_adapter.fragments);
    # by default (export) the HTML itself.
    html_block: Callable[[str], str] | None = None

    def source_url(self, path: str, line: int | None = None) -> str | None:
        """The source file (and line) in the repository, for edit links; None without a repository."""
        if not self.repo_blob_url:
            return None
        url = self.repo_blob_url.rstrip("/") + "/" + path
        return f"{url}#L{line}" if line else url
