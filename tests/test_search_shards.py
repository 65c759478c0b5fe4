"""The sharded search index (publish/search_shards.py): its tokens, and files that stay small as the site grows."""

from __future__ import annotations

import json

import pytest

from llminfra.publish import search_shards
from llminfra.publish.search_shards import CHUNK, ShardedIndex, tokens


def test_tokens_are_every_chinese_character_and_pair_and_every_other_word():
    assert tokens("的零气泡流水") == {"的", "零", "气", "泡", "流", "水", "的零", "零气", "气泡", "泡流", "流水"}
    # Latin glued to Chinese, markup and entities: a reader's text, lower case.
    assert tokens("<p>PD分离 &amp; KV-cache</p>") == {"pd", "分", "离", "分离", "kv", "cache"}


def test_shards_are_small_sorted_as_javascript_compares_strings_and_postings_mark_titles(tmp_path, monkeypatch):
    monkeypatch.setattr(search_shards, "SHARD_BYTES", 2000)
    index = ShardedIndex()
    for number in range(300):
        index.add({"location": f"p{number}/", "title": f"标题{number}",
                   "text": f"<p>正文 第{number}条 零气泡 vLLM 𠀀</p>"})
    index.add({"location": "p0/#s", "title": "小节", "text": "零气泡"})
    stub = json.loads(index.write(tmp_path, {"lang": ["zh"]}))
    manifest = stub["config"]["llminfra"]
    assert stub["docs"] == [] and manifest["documents"] == 301 and manifest["chunk"] == CHUNK
    firsts = manifest["shards"]
    # JavaScript compares UTF-16 code units: an astral character (𠀀) sorts before U+E000..U+FFFF there.
    assert firsts == sorted(firsts, key=lambda token: token.encode("utf-16-be"))
    shards = [json.loads((tmp_path / f"llminfra/s/{n}.json").read_text(encoding="utf-8")) for n in range(len(firsts))]
    assert len(shards) > 1 and all(len(json.dumps(shard)) < 3 * 2000 for shard in shards if len(shard) > 1)
    for first, shard in zip(firsts, shards):
        assert next(iter(shard)) == first
    everything = {token: deltas for shard in shards for token, deltas in shard.items()}
    values = [sum(everything["标题"][:n + 1]) for n in range(len(everything["标题"]))]
    assert values == [2 * n + 1 for n in range(300)]  # in the title of every page, not of the section
    section = sum(everything["小节"])
    assert section == 2 * 300 + 1
    chunks = sorted((tmp_path / "llminfra/d").glob("*.json"), key=lambda path: int(path.stem))
    assert len(chunks) == -(-301 // CHUNK)
    last = json.loads(chunks[-1].read_text(encoding="utf-8"))
    assert last[-1] == ["p0/#s", "小节", "零气泡", 0]  # a section names its page's document


def test_a_second_write_leaves_no_file_of_the_first(tmp_path):
    big, small = ShardedIndex(), ShardedIndex()
    for number in range(100):
        big.add({"location": f"p{number}/", "title": "t", "text": f"文本{number}"})
    small.add({"location": "p/", "title": "t", "text": "文本"})
    big.write(tmp_path, {})
    small.write(tmp_path, {})
    assert sorted(p.name for p in (tmp_path / "llminfra/d").iterdir()) == ["0.json"]


def search_documents(site) -> list[list]:
    """Every document of a built site's index: [location, title, text, parent]."""
    return [document for chunk in sorted((site / "search" / "llminfra" / "d").glob("*.json"))
            for document in json.loads(chunk.read_text(encoding="utf-8"))]


def test_what_the_pages_leave_out_of_search_stays_out(built_site, catalog_of_built_site):
    """Entry metadata blocks and collector pastes carry data-search-exclude; Material's section parser forgets it
    at the first closing tag of the same name inside, so nothing inside them may be a <div>."""
    documents = search_documents(built_site.path)
    assert documents
    meta = [d[0] for d in documents if "复制链接" in d[2] or "源文件第" in d[2] or "相关阅读" in d[2]]
    assert meta == []
    pasted = {p.paragraph.text.strip()[:30] for p in catalog_of_built_site.pastes}
    assert pasted, "the frozen list holds the collector's paste of the UB-Mesh entry"
    for document in documents:
        owner = document[0]
        for start in pasted:
            assert start not in document[2] or owner.endswith(tuple(
                "#" + p.owner.anchor for p in catalog_of_built_site.pastes)), (owner, start)


@pytest.fixture(scope="module")
def catalog_of_built_site(built_site):
    from llminfra.domain.layout import SiteLayout
    from llminfra.sources.loading import build_catalog

    return build_catalog(SiteLayout(built_site.project))
