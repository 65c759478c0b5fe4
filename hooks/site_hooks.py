"""MkDocs hooks for the LLM-infra reading site: each event dispatches to ``llminfra.mkdocs_adapter.events``.

MkDocs hooks run as a plugin registered after the configured plugins. Where
the order against Material's search plugin matters, ``event_priority`` says so
(MkDocs runs higher priorities first; plugins default to 0).

MkDocs imports this file by path and does not reload it on ``mkdocs serve``
rebuilds: restart the server after changing code under ``hooks/``.
"""

from __future__ import annotations

from mkdocs.plugins import event_priority

from llminfra.mkdocs_adapter import events

AFTER_SEARCH = -50  # after Material's search plugin (priority 0) for the same event

# The session (command, serve cache) from on_startup to on_shutdown; each build's state lives on its config.
_hooks = events.SiteHooks()


def on_startup(*, command, dirty):
    _hooks.startup(command=command, dirty=dirty)


def on_shutdown():
    _hooks.shutdown()


@event_priority(AFTER_SEARCH)  # replaces the search plugin's index, which that plugin's on_config creates
def on_config(config):
    return _hooks.config(config)


def on_files(files, *, config):
    return events.files(files, config=config)


def on_nav(nav, *, config, files):
    return events.nav(nav, config=config, files=files)


def on_page_read_source(*, page, config):
    return events.page_read_source(page=page, config=config)


def on_page_markdown(markdown, *, page, config, files):
    return events.page_markdown(markdown, page=page, config=config, files=files)


def on_page_content(html, *, page, config, files):
    return events.page_content(html, page=page, config=config, files=files)


def on_env(env, *, config, files):
    return events.env(env, config=config, files=files)


@event_priority(AFTER_SEARCH)  # the search plugin indexes a page with its full table of contents first
def on_page_context(context, *, page, config, nav):
    return events.page_context(context, page=page, config=config, nav=nav)


def on_post_page(output, *, page, config):
    return events.post_page(output, page=page, config=config)


@event_priority(AFTER_SEARCH)  # the search plugin writes its index first; it is compacted here
def on_post_build(*, config):
    events.post_build(config=config)
