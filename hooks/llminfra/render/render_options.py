"""``RenderOptions`` from the site's settings: the one place that combines them (hooks and export alike)."""

from __future__ import annotations

from collections.abc import Callable

import markdown

from llminfra.domain.site_options import SiteSettings
from llminfra.render.safe_html import SafeLinksExtension
from llminfra.render.site_renderer import RenderOptions


def render_options(settings: SiteSettings, templates_path: str,
                   html_block: Callable[[str], str] | None = None) -> RenderOptions:
    """Options for ``SiteRenderer``; source text holding raw HTML is converted with the site's own extensions."""
    extensions = list(settings.markdown_extensions)
    if not any(isinstance(extension, SafeLinksExtension) for extension in extensions):
        extensions.append(SafeLinksExtension())  # every markdown link goes through the unsafe-scheme filter
    configs = dict(settings.mdx_configs)
    return RenderOptions(
        use_directory_urls=settings.use_directory_urls,
        site_url=settings.site_url,
        repo_blob_url=settings.options.repo_blob_url,
        templates_path=templates_path,
        markdown_factory=lambda: markdown.Markdown(extensions=extensions, extension_configs=configs),
        html_block=html_block,
    )
