"""The site's options block (``extra.llminfra`` in mkdocs.yml): typed, validated before the build, derived URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, copy_project, run_mkdocs_build

from llminfra.commands.cli import main
from llminfra.domain.page_meta import escaped_page_meta
from llminfra.domain.site_options import (
    FeedSettings,
    SiteOptions,
    UpstreamSettings,
)
from llminfra.domain.upstream import upstream_audio_url
from llminfra.mkdocs_adapter.site_config import ProjectConfigError, load_project_config

FEEDS_BLOCK = "    feeds:\n      limit: 50\n      tag_limit: 20\n"


def write_config(project: Path, block: str) -> Path:
    """A minimal mkdocs.yml whose `extra:` holds ``block`` (already indented under `extra:`)."""
    (project / "docs").mkdir(parents=True, exist_ok=True)
    config = project / "mkdocs.yml"
    config.write_text("site_name: 测试\nrepo_url: https://github.com/owner/repo\nextra:\n" + block, encoding="utf-8")
    return config


def options_of(project: Path, block: str) -> SiteOptions:
    return load_project_config(write_config(project, block))[1]


def problems_of(project: Path, block: str) -> list[str]:
    with pytest.raises(ProjectConfigError) as raised:
        options_of(project, block)
    return raised.value.problems


# -- the typed options ---------------------------------------------------------


def test_defaults_apply_when_the_block_is_absent(tmp_path):
    options = options_of(tmp_path, "  generator: false\n")
    assert options == SiteOptions(repo_url="https://github.com/owner/repo")
    assert (options.feeds.limit, options.feeds.tag_limit, options.feeds.author) == (50, 20, "")
    assert options.source_branch == "main"
    assert options.upstream.readme_url == "https://raw.githubusercontent.com/DongminWu/LLM-Infra-sys/main/README.md"
    assert options.upstream.repository == "https://github.com/DongminWu/LLM-Infra-sys"
    assert options.upstream.branch == "main"


def test_defaults_apply_to_the_keys_a_block_leaves_out(tmp_path):
    options = options_of(tmp_path, "  llminfra:\n    feeds:\n      tag_limit: 0\n    upstream:\n")
    assert options.feeds == FeedSettings(limit=50, tag_limit=0)
    assert options.upstream == UpstreamSettings()


def test_every_key_of_the_block_is_read(tmp_path):
    options = options_of(tmp_path, "  llminfra:\n    source_branch: gh-pages\n"
                                   "    feeds:\n      limit: 0\n      tag_limit: 7\n      author: 编辑部\n"
                                   "    upstream:\n      readme_url: http://127.0.0.1:8123/up/README.md\n"
                                   "      repository: https://github.com/someone/fork/\n      branch: dev\n")
    assert options.source_branch == "gh-pages"
    assert options.feeds == FeedSettings(limit=0, tag_limit=7, author="编辑部")
    assert options.upstream == UpstreamSettings("http://127.0.0.1:8123/up/README.md",
                                                "https://github.com/someone/fork/", "dev")


def test_the_project_config_keeps_its_values_under_the_block():
    options = load_project_config(ROOT / "mkdocs.yml")[1]
    assert options.source_branch == "main"
    assert (options.feeds.limit, options.feeds.tag_limit) == (50, 20)
    assert options.upstream == UpstreamSettings()


# -- derived values ------------------------------------------------------------


def test_repo_blob_url_is_derived_for_github_only():
    assert SiteOptions(repo_url="https://github.com/o/r/").repo_blob_url == "https://github.com/o/r/blob/main/"
    assert SiteOptions(repo_url="https://github.com/o/r", source_branch="dev").repo_blob_url == \
        "https://github.com/o/r/blob/dev/"
    assert SiteOptions(repo_url="https://gitlab.com/o/r").repo_blob_url is None
    assert SiteOptions(repo_url="").repo_blob_url is None


def test_upstream_relative_paths_resolve_against_the_configured_readme():
    """A clip the upstream README names by a path in its repository plays from beside the README, encoded once."""
    readme = UpstreamSettings().readme_url
    assert upstream_audio_url(readme, "202509/x.mp3") == \
        "https://raw.githubusercontent.com/DongminWu/LLM-Infra-sys/main/202509/x.mp3"
    assert upstream_audio_url("http://127.0.0.1:8000/mirror/README.md", "/assets/中 文.mp3") == \
        "http://127.0.0.1:8000/mirror/assets/%E4%B8%AD%20%E6%96%87.mp3"


def test_page_meta_is_escaped_only_where_the_theme_would_break():
    assert escaped_page_meta({"title": "普通 & 标题", "description": "it's"}) is None
    escaped = escaped_page_meta({"title": '<b>"粗"</b>', "description": "a & b", "date": "2026-01-01"})
    assert escaped == {"title": "&lt;b&gt;&quot;粗&quot;&lt;/b&gt;", "description": "a & b", "date": "2026-01-01"}


# -- validation ----------------------------------------------------------------


@pytest.mark.parametrize("block, expected", [
    ("  llminfra:\n    feeds:\n      limit: x\n",
     "extra.llminfra.feeds.limit: expected a whole number >= 0 (0 = every entry), got 'x'"),
    ("  llminfra:\n    feeds:\n      limit: -1\n", "extra.llminfra.feeds.limit: expected a whole number >= 0"),
    ("  llminfra:\n    feeds:\n      tag_limit: true\n",
     "extra.llminfra.feeds.tag_limit: expected a whole number >= 0 (0 = every entry), got True"),
    ("  llminfra:\n    feeds:\n      limit: 2.5\n", "extra.llminfra.feeds.limit: expected a whole number >= 0"),
    ("  llminfra:\n    feeds:\n      limt: 5\n",
     "extra.llminfra.feeds.limt: unknown option (known: limit, tag_limit, author, owner_email)"),
    ("  llminfra:\n    sorce_branch: main\n", "extra.llminfra.sorce_branch: unknown option"),
    ("  llminfra:\n    feeds: 50\n", "extra.llminfra.feeds: expected a block of options"),
    ("  llminfra: [a]\n", "extra.llminfra: expected a block of options"),
    ("  llminfra:\n    source_branch: ''\n", "extra.llminfra.source_branch: expected a non-empty string"),
    ("  llminfra:\n    upstream:\n      readme_url: ftp://example.org/README.md\n",
     "extra.llminfra.upstream.readme_url: expected an absolute http(s) URL, got 'ftp://example.org/README.md'"),
    ("  llminfra:\n    upstream:\n      branch: 3\n", "extra.llminfra.upstream.branch: expected a non-empty string"),
    ("  source_branch: main\n", "extra.source_branch: moved: write it as extra.llminfra.source_branch"),
    (FEEDS_BLOCK.replace("    ", "  ", 1), "extra.feeds: moved: write it as extra.llminfra.feeds"),
])
def test_bad_values_and_unknown_keys_are_named(tmp_path, block, expected):
    problems = problems_of(tmp_path, block)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_every_bad_block_is_reported_not_just_the_first(tmp_path):
    problems = problems_of(tmp_path, "  llminfra:\n    feeds:\n      limit: x\n      colour: red\n"
                                     "    upstream:\n      repository: nowhere\n")
    assert [problem.split(":")[0] for problem in problems] == [
        "extra.llminfra.feeds.limit", "extra.llminfra.feeds.colour", "extra.llminfra.upstream.repository"]


BAD_BLOCKS = {
    "string": ("      limit: 50\n", "      limit: fifty\n", "extra.llminfra.feeds.limit: expected a whole number"),
    "negative": ("      limit: 50\n", "      limit: -5\n", "extra.llminfra.feeds.limit: expected a whole number"),
    "bool": ("      limit: 50\n", "      limit: false\n", "extra.llminfra.feeds.limit: expected a whole number"),
    "unknown key": ("      tag_limit: 20\n", "      tag_limit: 20\n      tag_limt: 5\n",
                    "extra.llminfra.feeds.tag_limt: unknown option"),
}


@pytest.fixture(scope="module")
def site_without_content(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("options") / "project", with_content=False)


@pytest.mark.parametrize("case", sorted(BAD_BLOCKS))
def test_a_bad_option_stops_the_build_before_any_page_and_fails_check(site_without_content, tmp_path, capsys, case):
    old, new, message = BAD_BLOCKS[case]
    config = site_without_content / "mkdocs.yml"
    original = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert original.count(old) == 1
    config.write_text(original.replace(old, new), encoding="utf-8")
    site = tmp_path / "site"
    result = run_mkdocs_build(site_without_content, site)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not site.exists() or not any(site.rglob("*.html"))  # no page was written
    assert "Building prefix dict" not in result.stderr  # stopped in on_config, before the search index started

    code = main(["--root", str(site_without_content), "check"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"mkdocs.yml: {message}" in err


def test_check_reports_mkdocs_own_config_errors_by_key(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nuse_directory_urls: maybe\n", encoding="utf-8")
    code = main(["--root", str(tmp_path), "check"])
    err = capsys.readouterr().err
    assert code == 1 and "mkdocs.yml: Config value 'use_directory_urls'" in err and "Traceback" not in err


def test_check_reads_the_config_through_mkdocs(tmp_path, capsys, monkeypatch):
    # !ENV is MkDocs' own: the environment's value is read as YAML, so "7" is a number and "x" is not.
    write_config(tmp_path, "  llminfra:\n    feeds:\n      limit: !ENV [LLMINFRA_TEST_LIMIT, 3]\n")
    assert load_project_config(tmp_path / "mkdocs.yml")[1].feeds.limit == 3
    monkeypatch.setenv("LLMINFRA_TEST_LIMIT", "7")
    assert load_project_config(tmp_path / "mkdocs.yml")[1].feeds.limit == 7
    monkeypatch.setenv("LLMINFRA_TEST_LIMIT", "x")
    code = main(["--root", str(tmp_path), "check"])
    err = capsys.readouterr().err
    assert code == 1 and "mkdocs.yml: extra.llminfra.feeds.limit: expected a whole number >= 0 (0 = every entry), " \
        "got 'x'" in err


def test_check_reports_broken_yaml_in_mkdocs_yml(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: [x\n", encoding="utf-8")
    code = main(["--root", str(tmp_path), "check"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("mkdocs.yml: ") and "Traceback" not in err


def test_an_option_is_declared_once_and_validated_from_its_declaration():
    """The typed config MkDocs validates is made from the domain's declarations: nothing is written twice."""
    from dataclasses import dataclass

    from llminfra.domain.site_options import TEXT, WHOLE_NUMBER, option
    from llminfra.mkdocs_adapter.site_config import Section, SectionError, config_class, settings_from

    @dataclass(frozen=True)
    class Block:
        count: int = option(3, WHOLE_NUMBER, "how many")
        name: str = option("x", TEXT, "what")

    assert settings_from(Block, Section[config_class(Block)]().validate({"count": 5})) == Block(count=5)
    with pytest.raises(SectionError) as raised:
        Section[config_class(Block)]().validate({"count": -1, "nmae": "y"})
    assert [key for key, _ in raised.value.problems] == ["count", "nmae"]
    assert [name for name, _ in config_class(SiteOptions)._schema] == ["source_branch", "feeds", "upstream"]
