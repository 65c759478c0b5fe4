"""What rendering depends on besides the catalog (URLs, edit links, the Markdown converter), and the one place
that makes it from the site's settings, for the hooks and the export alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import markdown

from llminfra.domain.site_options import SiteSettings
from llminfra.render.safe_html import HtmlPolicyExtension


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
    # The line of a heading the site anchors (an entry, a month): (level, markdown text, anchor) -> line.
    # The MkDocs adapter passes one that the HTML policy trusts with the anchor (mkdocs_adapter.fragments);
    # by default (export) an attribute list.
    heading: Callable[[int, str, str], str] | None = None

    def heading_line(self, level: int, text: str, anchor: str) -> str:
        if self.heading is not None:
            return self.heading(level, text, anchor)
        return f"{'#' * level} {text} {{#{anchor}}}"

    def source_url(self, path: str, line: int | None = None) -> str | None:
        """The source file (and line) in the repository, for edit links; None without a repository."""
        if not self.repo_blob_url:
            return None
        url = self.repo_blob_url.rstrip("/") + "/" + path
        return f"{url}#L{line}" if line else url


def render_options(settings: SiteSettings, html_block: Callable[[str], str] | None = None,
                   heading: Callable[[int, str, str], str] | None = None) -> RenderOptions:
    """Options for ``SiteRenderer``; source text holding raw HTML is converted with the site's own extensions."""
    extensions = list(settings.markdown_extensions)
    if not any(isinstance(extension, HtmlPolicyExtension) for extension in extensions):
        extensions.append(HtmlPolicyExtension())  # every element goes through the HTML policy
    configs = dict(settings.mdx_configs)
    return RenderOptions(
        use_directory_urls=settings.use_directory_urls,
        site_url=settings.site_url,
        repo_blob_url=settings.options.repo_blob_url,
        markdown_factory=lambda: markdown.Markdown(extensions=extensions, extension_configs=configs),
        html_block=html_block,
        heading=heading,
    )
