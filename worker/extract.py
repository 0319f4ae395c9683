"""The NLP stage as one call: tokenise, tag entities (stanza), link (gazetteer), find events.

Articles are processed in batches: all sentences of all articles in a batch go through the
NER model in one pass (DESIGN.md: one pass over a batch is about 3x faster than one call per
sentence).  Resources (model, gazetteer, lexicons) load once per process and are shared.

Work per article is bounded (issue 11): only the first ``max_chars`` characters go through
NLP (RASAD_NLP_MAX_CHARS), cut at a sentence or word end, and the record says so in its
notes; every stage after the cut is linear in text length (bench/bench_linearity.py).

Each article is normalised once for all its stages (issue 12): the gazetteer and the event
word lists call :func:`worker.text.normalize.normalize` on the same text one after the
other, and it returns the result it keeps for the last few texts.
"""

from __future__ import annotations

import dataclasses
import re
import time
from dataclasses import dataclass, field
from typing import Sequence

from worker.nlp import entities as entity_stage
from worker.nlp import events as event_stage
from worker.nlp.gazetteer import Gazetteer, default_gazetteer
from worker.nlp.tokenize import MARKS, Token, sentences
from worker.records import Extraction

DEFAULT_MAX_CHARS = 100_000  # Settings.nlp_max_chars
# Where to cut an over-long text, looked for in its last CUT_WINDOW_SHARE before the cap: a
# sentence end (. ! ? ؟ ۔ before a space, or a line break), else a space.
CUT_WINDOW_SHARE = 0.05
_SENTENCE_END = re.compile(r"[.!?\u061f\u06d4](?=\s)|\n")
_SPACE = re.compile(r"\s")
_MARK = re.compile(f"[{MARKS}]")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")


def cap_text(text: str, max_chars: int) -> str:
    """``text`` if it has at most ``max_chars`` characters, else its beginning up to the last
    sentence end, else the last space, in the last 5% before ``max_chars``; failing both
    (one giant word), ``max_chars`` characters, backed off any combining marks so they stay
    on their letter.  The result is a prefix, so offsets into it are offsets into ``text``."""
    if len(text) <= max_chars:
        return text
    window = max(0, max_chars - max(1, int(max_chars * CUT_WINDOW_SHARE)))
    for pattern, keep_match in ((_SENTENCE_END, True), (_SPACE, False)):
        last = None
        for last in pattern.finditer(text, window, max_chars):
            pass
        if last is not None and last.end() > 0:
            return text[:last.end() if keep_match else last.start()]
    cut = max_chars
    while cut > 1 and _MARK.match(text, cut):
        cut -= 1
    return text[:cut]


def truncation_note(kept: int, total: int, max_chars: int) -> str:
    return (f"nlp: text truncated at {kept} of {total} characters "
            f"(RASAD_NLP_MAX_CHARS={max_chars}); the rest has no entities or events")


@dataclass(frozen=True)
class Article:
    """What the NLP stage reads: the article text (title on the first line) and its date."""

    text: str
    published: str | None = None


@dataclass
class StageTimer:
    """Seconds spent per stage for a batch (recorded as rasad_nlp_duration_seconds)."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


class Extractor:
    """Holds the loaded resources; ``ner_model`` is ``bundled``, ``stanza``, a path or ``none``."""

    def __init__(self, ner_model: str = "bundled", *, gazetteer: Gazetteer | None = None,
                 threads: int = 1, max_chars: int = DEFAULT_MAX_CHARS):
        self.ner_model = ner_model
        self.threads = threads
        self.max_chars = max_chars
        self._tagger = None
        self._gazetteer = gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = default_gazetteer()
        return self._gazetteer

    @property
    def tagger(self):
        """The NER tagger, loaded on first use (or ahead of fork by :meth:`load`)."""
        if self._tagger is None and self.ner_model != "none":
            from worker.nlp import ner

            self._tagger = ner.get_tagger(self.ner_model, threads=self.threads)
        return self._tagger

    def load(self) -> "Extractor":
        """Load every resource now, e.g. in the parent process before Celery forks."""
        _ = self.gazetteer, self.tagger
        return self

    @property
    def model_name(self) -> str:
        """The tagger's name, with "+crf" when the NER CRF adds its entities (issue 9): the
        "nlp resources loaded" log line and `rasad reprocess` say which NER ran."""
        tagger = self.tagger
        if tagger is None:
            return "none"
        name = getattr(tagger, "name", "none")
        return f"{name}+crf" if getattr(tagger, "crf", None) is not None else name

    def extract(self, article: Article) -> Extraction:
        return self.extract_batch([article])[0]

    def extract_batch(self, articles: Sequence[Article],
                      timer: StageTimer | None = None) -> list[Extraction]:
        timer = timer or StageTimer()
        started = time.perf_counter()
        capped = [Article(cap_text(a.text, self.max_chars), a.published) for a in articles]
        per_article = [sentences(a.text) for a in capped]
        timer.add("tokenize", started)
        ner_spans = self._ner_spans(per_article, timer)
        results = []
        for article, short, sents, spans in zip(articles, capped, per_article, ner_spans):
            extraction = self._finish(short, sents, spans, timer)
            if len(short.text) < len(article.text):
                note = truncation_note(len(short.text), len(article.text), self.max_chars)
                extraction = dataclasses.replace(extraction, notes=(*extraction.notes, note))
            results.append(extraction)
        return results

    def _ner_spans(self, per_article: list[list[list[Token]]], timer: StageTimer):
        """One NER pass over every sentence of the batch; spans regrouped per article."""
        started = time.perf_counter()
        tagger = self.tagger
        if tagger is None:
            return [[] for _ in per_article]
        # The model is Arabic: a sentence with no Arabic letter (an English feed's) is not
        # tagged, or it reads "killed four" as a person (stop 34).
        arabic = [[s for s in sents if any(_ARABIC_LETTER.search(t.text) for t in s)]
                  for sents in per_article]
        # One network pass over the batch; the CRF reads each article apart (its
        # document feature must not see the next article's names).
        tags = tagger.tag_documents([[[t.text for t in s] for s in sents]
                                     for sents in arabic])
        out = [[span for sent, sent_tags in zip(sents, article_tags)
                for span in tagger.spans(sent, sent_tags)]
               for sents, article_tags in zip(arabic, tags)]
        timer.add("ner", started)
        return out

    def _finish(self, article: Article, sents, spans, timer: StageTimer) -> Extraction:
        started = time.perf_counter()
        ents = entity_stage.merge_entities(article.text, spans, self.gazetteer)
        timer.add("link", started)
        started = time.perf_counter()
        evs = event_stage.extract_events(article.text, sents, ents, article.published)
        figures = event_stage.article_casualties(evs)
        timer.add("events", started)
        notes = () if self.tagger is not None else ("ner: disabled (RASAD_NER_MODEL=none)",)
        return Extraction(entities=tuple(ents), events=tuple(evs), killed=figures.get("killed"),
                          injured=figures.get("injured"), notes=notes)


_EXTRACTORS: dict[tuple[str, int], Extractor] = {}


def get_extractor(ner_model: str = "bundled", threads: int = 1,
                  max_chars: int = DEFAULT_MAX_CHARS) -> Extractor:
    """One extractor per process and model (loaded lazily, shared by all tasks), capped at
    the caller's ``max_chars`` (RASAD_NLP_MAX_CHARS)."""
    key = (ner_model, threads)
    if key not in _EXTRACTORS:
        _EXTRACTORS[key] = Extractor(ner_model, threads=threads)
    _EXTRACTORS[key].max_chars = max_chars
    return _EXTRACTORS[key]
