"""Keyword tags by evidence: what an entry is about, not every word it mentions.

An entry without explicit tags (a share-list entry, a note item without a 标签 line) gets its tags from the
taxonomy's keywords found in its title and summary. A keyword found is evidence, weighed by where it is:

    title 3 · opening sentence 2 · emphasis (**bold**) 1.5 · rest of the summary 1   (points per occurrence)

halved for a name in passing (an item of a list, ``vLLM、SGLang 等``, or an example, ``如 NVLink``), nothing for a
negated one (``不会 CUDA``) or one inside a link target. A tag's score is the sum over its keywords' occurrences (a
term that begins with a keyword counts for it too: ``KV cache池化`` is also ``KV cache``). Then:

- a topic tag is given from ``THRESHOLD`` points: named in the title or the opening sentence, or more than once
  in the rest. A name dropped once, in a list of systems or as a baseline, is a mention;
- a **broad** tag (``broad: true`` in the taxonomy: 大模型, 推理, 训练, GPU …) is a field rather than a topic. It is
  given only where it is the subject: named in the title or the opening sentence and scoring ``BROAD_THRESHOLD``,
  or **implied** by a narrower tag the entry is given (``implies:``: an entry about KV cache transfer is about
  inference even where the word 推理 never occurs);
- a tag whose keyword has **other senses** (``other_senses:``: 推理 also means reasoning, 调度 also a compiler's
  tile schedule) gets no evidence from its keywords where a term of another sense occurs in the entry; it can
  then only be implied by a narrower tag;
- at most ``MAX_KEYWORD_TAGS``, the best scores first; an entry whose keywords all fall short still gets its
  best-scoring tag (it is about something), and one with no keyword at all the fallback tag (未分类).

``Tagging.decisions`` keeps every tag considered, given or not, with its evidence and the reason: the
``python -m llminfra tags --explain LINK`` report. Work is linear in the text: one pass of the taxonomy's
keyword automaton plus one of its other-sense terms.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from llminfra.domain.taxonomy import Taxonomy, fold

TITLE, OPENING, EMPHASIS, BODY = "title", "opening", "emphasis", "body"
ZONE_POINTS = {TITLE: 3.0, OPENING: 2.0, EMPHASIS: 1.5, BODY: 1.0}
ZONE_NAMES = {TITLE: "标题 title", OPENING: "首句 opening", EMPHASIS: "加粗 emphasis", BODY: "正文 body"}
THRESHOLD = 2.0
BROAD_THRESHOLD = 5.0
MAX_KEYWORD_TAGS = 8

# What is not prose: link targets and bare URLs (a keyword inside a URL is no evidence), masked by spaces so
# positions stay put.
_URLS = re.compile(r"\]\([^)\s]*\)|<?https?://[^\s<>)]+>?")
_EMPHASIS = re.compile(r"\*\*[^\n]+?\*\*|__[^\n]+?__")
# The opening sentence ends at the first full stop, question or exclamation mark, or line break.
_SENTENCE_END = re.compile(r"[。!?]|\n")
# A name in passing: an item of an enumeration (``A、B等``, ``A/B``) or an example (``如 A``, ``例如 A``, ``包括 A``).
# Outside the title it counts half: lists of systems and baselines are mentions, not subjects.
BEFORE_PASSING = ("、", "如", "例如", "比如", "包括", "/")
AFTER_PASSING = ("、", "等", "/")
PASSING_FACTOR = 0.5
# A name negated ("不会 CUDA 也能看懂", "无需 CUDA 术语", "零 CUDA 基础") is no evidence at all.
NEGATIONS = ("不会", "不用", "不需要", "无需", "无须", "不依赖", "没有", "零")


@dataclass
class Evidence:
    """One keyword of a tag, found ``count`` times in one zone."""

    keyword: str
    zone: str
    count: int = 0
    passing: bool = False  # in a list or as an example: counts PASSING_FACTOR

    @property
    def points(self) -> float:
        return ZONE_POINTS[self.zone] * self.count * (PASSING_FACTOR if self.passing else 1.0)


@dataclass
class TagDecision:
    slug: str
    evidence: list[Evidence] = field(default_factory=list)
    first: int = 0  # position of the first occurrence, for ties
    accepted: bool = False
    reason: str = ""
    other_sense: list[str] = field(default_factory=list)  # terms of another sense found in the entry
    score: float = 0.0  # the sum of the evidence's points

    def add(self, keyword: str, zone: str, passing: bool) -> None:
        for evidence in self.evidence:
            if evidence.keyword == keyword and evidence.zone == zone and evidence.passing == passing:
                evidence.count += 1
                break
        else:
            evidence = Evidence(keyword, zone, 1, passing)
            self.evidence.append(evidence)
        self.score += ZONE_POINTS[zone] * (PASSING_FACTOR if passing else 1.0)

    @property
    def zones(self) -> set[str]:
        return {e.zone for e in self.evidence}


@dataclass
class Tagging:
    """Every tag considered for one entry: the given ones first, in the order shown, then the rejected ones."""

    decisions: list[TagDecision]

    @property
    def tags(self) -> list[str]:
        return [d.slug for d in self.decisions if d.accepted]


class KeywordTagger:
    """The taxonomy's keywords turned into an entry's tags by evidence (see the module's doc)."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy

    def tags(self, title: str, summary: str) -> list[str]:
        return self.tag(title, summary).tags

    def tag(self, title: str, summary: str) -> Tagging:
        text, zone_of = _zones(title, summary)
        taxonomy = self.taxonomy
        found: dict[str, TagDecision] = {}
        for start, end, owners in taxonomy.keyword_hits(text):
            before = text[max(0, start - 4) : start].rstrip()
            if before.endswith(NEGATIONS):
                continue
            zone = zone_of(start)
            passing = zone != TITLE and (before.endswith(BEFORE_PASSING)
                                         or text[end : end + 3].lstrip().startswith(AFTER_PASSING))
            for slug, keyword in owners:
                decision = found.get(slug)
                if decision is None:
                    decision = found[slug] = TagDecision(slug, first=start)
                decision.add(taxonomy.spelling(keyword), zone, passing)
        if not found:
            return Tagging([])
        senses = taxonomy.sense_hits(text)
        for slug, decision in found.items():
            info = taxonomy.tags[slug]
            decision.other_sense = sorted(set(senses.get(slug, ())))
            score = decision.score
            if decision.other_sense:
                decision.reason = f"另一词义 other sense: {'、'.join(decision.other_sense)}"
            elif info.broad:
                named = decision.zones & {TITLE, OPENING}
                decision.accepted = bool(named) and score >= BROAD_THRESHOLD
                decision.reason = (f"主题 subject ({score:g} ≥ {BROAD_THRESHOLD:g}, named up front)"
                                   if decision.accepted else
                                   f"宽泛标签只在是主题时给出 broad: {score:g}"
                                   + (f" < {BROAD_THRESHOLD:g}" if named else ", not in title or opening"))
            else:
                decision.accepted = score >= THRESHOLD
                decision.reason = (f"{score:g} ≥ {THRESHOLD:g}" if decision.accepted
                                   else f"只是提及 a mention: {score:g} < {THRESHOLD:g}")
        ranked = sorted(found.values(), key=lambda d: (-d.score, d.first, d.slug))
        given = [d for d in ranked if d.accepted]
        if not given:
            best = next((d for d in ranked if not d.other_sense), None)
            if best is not None:
                best.accepted = True
                best.reason += "; 最强的证据 the entry's strongest evidence (nothing else reaches the threshold)"
                given = [best]
        strength = {d.slug: d.score for d in given}
        for decision in list(given):
            for implied in taxonomy.tags[decision.slug].implies:
                target = found.get(implied)
                if target is None:
                    target = found[implied] = TagDecision(implied, first=len(text))
                    ranked.append(target)
                if not target.accepted:
                    target.accepted = True
                    target.reason = f"由 {decision.slug} 推出 implied by {decision.slug}"
                    given.append(target)
                    strength[implied] = decision.score
        # The best evidence first; an implied tag ranks with the tag it comes from, just after it.
        given.sort(key=lambda d: (-strength[d.slug], d.first))
        for decision in given[MAX_KEYWORD_TAGS:]:
            decision.accepted = False
            decision.reason += f"; 超出 beyond the {MAX_KEYWORD_TAGS} best"
        shown = given[:MAX_KEYWORD_TAGS]
        rest = [d for d in ranked if not d.accepted]
        return Tagging(shown + rest)


def _zones(title: str, summary: str):
    """The folded text ``title\\nsummary`` and a function giving the zone of a position in it."""
    head = fold(title)
    body = fold(_URLS.sub(lambda m: " " * len(m.group(0)), summary))
    offset = len(head) + 1
    text = f"{head}\n{body}"
    lead = len(body) - len(body.lstrip())
    end = _SENTENCE_END.search(body, lead)
    opening_end = offset + (end.end() if end else len(body))
    spans = [(offset + m.start(), offset + m.end()) for m in _EMPHASIS.finditer(body)]
    starts = [s for s, _ in spans]

    def zone_of(position: int) -> str:
        if position < offset:
            return TITLE
        if position < opening_end:
            return OPENING
        at = bisect.bisect_right(starts, position) - 1
        if at >= 0 and position < spans[at][1]:
            return EMPHASIS
        return BODY

    return text, zone_of
