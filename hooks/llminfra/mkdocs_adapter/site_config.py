"""The site's options block, ``extra.llminfra`` in mkdocs.yml, validated with MkDocs' typed config.

The schema is declared the way MkDocs and Material's plugins declare theirs
(``mkdocs.config.base.Config`` subclasses holding ``config_options``). Unlike
a plugin's block, every error here names its full key
(``extra.llminfra.feeds.limit: …``) and an unknown key is an error, not a
warning: a misspelt option must not silently fall back to its default.

``site_options(config)`` runs in ``on_config`` (before any page is built);
``load_project_config(path)`` is how the commands read mkdocs.yml, through
MkDocs' own loader (``!ENV``, ``!relative``, Python tags, built-in extensions).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config, ValidationError
from mkdocs.exceptions import Abort, ConfigurationError

from llminfra.domain import site_options as defaults
from llminfra.domain.site_options import SiteOptions, SiteSettings

BLOCK = "extra.llminfra"
# Keys that lived directly under `extra:` before the block existed.
MOVED_KEYS = {"source_branch": f"{BLOCK}.source_branch", "feeds": f"{BLOCK}.feeds"}


class WholeNumber(opt.OptionallyRequired[int]):
    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(f"expected {defaults.WHOLE_NUMBER}, got {value!r}")
        return value


class Text(opt.OptionallyRequired[str]):
    allow_empty = False

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not (value.strip() or self.allow_empty):
            raise ValidationError(f"expected {defaults.OPTIONAL_TEXT if self.allow_empty else defaults.TEXT}, "
                                  f"got {value!r}")
        return value.strip()


class OptionalText(Text):
    allow_empty = True


class HttpUrl(opt.OptionallyRequired[str]):
    def run_validation(self, value: object) -> str:
        parts = urlsplit(value) if isinstance(value, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(f"expected {defaults.HTTP_URL}, got {value!r}")
        return value


# How each kind of option (llminfra.domain.site_options) is validated.
VALIDATORS = {defaults.WHOLE_NUMBER: WholeNumber, defaults.TEXT: Text, defaults.OPTIONAL_TEXT: OptionalText,
              defaults.HTTP_URL: HttpUrl}


class SectionError(ValidationError):
    """Every problem of a block, as (key path relative to the block, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{key}: {message}" for key, message in problems))
        self.problems = problems


class Section(opt.SubConfig):
    """A nested block of options that reports each error and unknown key with its key path."""

    def run_validation(self, value: object) -> Config:
        if value is None:  # `feeds:` written with nothing under it
            value = {}
        if not isinstance(value, Mapping):
            raise ValidationError(f"expected a block of options (key: value lines), got {value!r}")
        config = self.config_class(config_file_path=self._config_file_path)
        config.load_dict(dict(value))
        # Each option is validated here rather than by Config.validate, which stops at the first bad one.
        problems: list[tuple[str, str]] = []
        for key, option in config._schema:
            try:
                option.pre_validation(config, key_name=key)
                config[key] = option.validate(config.get(key))
                option.post_validation(config, key_name=key)
            except SectionError as error:
                problems += [(f"{key}.{inner}", message) for inner, message in error.problems]
            except ValidationError as error:
                problems.append((key, str(error)))
            option.reset_warnings()
        known = ", ".join(name for name, _ in config._schema)
        problems += [(str(key), f"unknown option (known: {known})") for key in value if key not in config._schema_keys]
        if problems:
            raise SectionError(problems)
        return config


@functools.cache
def config_class(settings: type) -> type[Config]:
    """MkDocs' typed config for a dataclass of options (``SiteOptions`` and its sections), made from its fields."""
    schema = {}
    for item in dataclasses.fields(settings):
        if "section" in item.metadata:
            schema[item.name] = Section[config_class(item.metadata["section"])]()
        elif "kind" in item.metadata:
            schema[item.name] = VALIDATORS[item.metadata["kind"]](default=item.default)
    return type(f"{settings.__name__}Config", (Config,), schema)


def settings_from(settings: type, config: Config):
    """The dataclass ``settings`` holding a validated config's values."""
    values = {}
    for item in dataclasses.fields(settings):
        if "section" in item.metadata:
            values[item.name] = settings_from(item.metadata["section"], config[item.name])
        elif "kind" in item.metadata:
            values[item.name] = config[item.name]
    return settings(**values)


class SiteOptionsError(ConfigurationError):
    """Bad options: ``problems`` holds (full key, message) pairs; the message has one ``key: message`` line each."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("\n".join(f"{key}: {message}" for key, message in problems))
        self.problems = problems


def site_options(config) -> SiteOptions:
    """The validated ``extra.llminfra`` block of a loaded MkDocs config; raises ``SiteOptionsError``."""
    extra = config.extra or {}
    problems = [(f"extra.{key}", f"moved: write it as {target}") for key, target in MOVED_KEYS.items()
                if key in extra]
    try:
        block = Section[config_class(SiteOptions)]().validate(extra.get("llminfra"))
    except SectionError as error:
        problems += [(f"{BLOCK}.{key}", message) for key, message in error.problems]
    except ValidationError as error:
        problems.append((BLOCK, str(error)))
    if problems:
        raise SiteOptionsError(problems)
    return dataclasses.replace(settings_from(SiteOptions, block), repo_url=config.repo_url or "")


def docs_dir_name(config) -> str:
    """``docs_dir`` relative to the folder of mkdocs.yml (MkDocs makes it absolute)."""
    root = Path(config.config_file_path).resolve().parent
    docs = Path(config.docs_dir).resolve()
    try:
        return docs.relative_to(root).as_posix()
    except ValueError:
        return docs.as_posix()


def site_settings(config, options: SiteOptions) -> SiteSettings:
    """What rendering and export need from a loaded MkDocs config, as plain values."""
    return SiteSettings(
        docs_dir=docs_dir_name(config),
        site_url=config.site_url or "",
        site_name=config.site_name or "",
        site_description=config.site_description or "",
        site_author=config.site_author or "",
        use_directory_urls=config.use_directory_urls,
        markdown_extensions=tuple(config.markdown_extensions),
        mdx_configs=dict(config.mdx_configs or {}),
        options=options,
    )


class ProjectConfigError(ConfigurationError):
    """mkdocs.yml cannot be used: ``problems`` holds one message per bad key (MkDocs' own, then the site's)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def load_project_config(config_file: Path):
    """(MkDocs config, SiteOptions) of mkdocs.yml, loaded and validated by MkDocs' ``load_config``.

    Hooks and plugins are left out: loading the hooks would import the whole
    build (rendering included), and the plugins' options are theirs to check
    when MkDocs builds. Raises ``ProjectConfigError`` naming every bad key.
    """
    from mkdocs.config import load_config

    # MkDocs logs each bad key, then raises a summary: keep the messages, print them once (the caller does).
    captured = _ErrorRecords()
    logger = logging.getLogger("mkdocs.config")
    logger.addHandler(captured)
    propagate, logger.propagate = logger.propagate, False
    try:
        config = load_config(str(config_file), hooks=[], plugins=[])
    except (Abort, ConfigurationError) as error:  # Abort after logging bad keys; ConfigurationError for bad YAML
        raise ProjectConfigError(captured.messages or [str(error)]) from None
    finally:
        logger.removeHandler(captured)
        logger.propagate = propagate
    try:
        return config, site_options(config)
    except SiteOptionsError as error:
        raise ProjectConfigError([f"{key}: {message}" for key, message in error.problems]) from None


def project_options(root: Path, config_name: str = "mkdocs.yml") -> SiteOptions:
    """The site options of the project at ``root``; the defaults when it has no mkdocs.yml.

    Raises ``ProjectConfigError`` naming every bad key.
    """
    config_file = root / config_name
    return load_project_config(config_file)[1] if config_file.is_file() else SiteOptions()


def load_project_settings(config_file: Path) -> SiteSettings:
    """What rendering and export need from mkdocs.yml; raises ``ProjectConfigError``."""
    return site_settings(*load_project_config(config_file))


class _ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
