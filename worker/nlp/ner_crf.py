"""A feature-rich linear-chain CRF whose entities are added to the tagger's (issue 9).

The stanza tagger finds about half of the names it never saw in training (MODEL_CARD.md).
A CRF (python-crfsuite) on hand-made features aimed at such names (name lists, gazetteer
spans, word clusters and vectors of the shipped pretrain, title and cue words, marks from
the neighbouring sentences) scores under the tagger alone but errs differently: the
tagger's entities plus every CRF entity that overlaps none of them scored 76.70 on the dev
block against 75.21 (unseen-name recall 55.3 -> 62.0; "C1" in the model card).

:class:`CrfTagger` holds the CRF and its lexicon (``ar_rasad_crf.crfsuite`` and
``ar_rasad_crf_lexicon.json.gz`` beside the NER model, built by the ``crf`` stage of
``python -m worker.nlp.train``) and the word ranks and vectors of the pretrain they were
built with.  :func:`add_free_entities` is the combination rule; :func:`propagate` then tags
a name's other untagged occurrences within 10 sentences either side (``RASAD_NER_PROPAGATE``;
chosen by 5-fold CV on the train part, CRF alone 74.31 -> 75.38; dev 76.76 -> 77.12).

Speed (issue 9 asks 6,000 tokens/s on one thread for the whole NER): everything that
depends on one word (its own features, what it contributes as a neighbour, its vector) is
computed once per word and kept (:data:`CACHE_RANK`), so a token costs a dict copy and a
few insertions.  The experiment's per-token code spent 72% of the CRF's time there; here
the features run at 63,000-75,000 tokens/s and the tagger + CRF at 9,000-10,900 tokens/s
(MODEL_CARD.md, "Speed and memory").
"""

from __future__ import annotations

import gzip
from bisect import bisect_left, bisect_right
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from worker.errors import ModelError

MODEL_NAME = "ar_rasad_crf.crfsuite"
LEXICON_NAME = "ar_rasad_crf_lexicon.json.gz"
LEXICON_FORMAT = 1
CLUSTER_SIZES = (100, 400, 1000)
# Words among the most frequent of the pretrain (rank < 300) take no list or gazetteer
# feature: من، في، الى are names somewhere in every list.
COMMON_RANK = 300
UNKNOWN_RANK = 10 ** 6
DOC_WINDOW = 10  # sentences either side whose marks a word sees (the "doc" feature)
EMB_SCALE = 3.0  # vectors at unit length x 3, so they weigh like the binary features
# Longest first; a strip must leave 3 letters.  Same list as the experiment (helper-36, MODEL_CARD.md).
PROCLITICS = ("وبال", "وال", "بال", "فال", "كال", "ولل", "فلل", "لل", "ال", "وب", "ول", "فب",
              "فل", "و", "ف", "ب", "ل")
FIRST_NAME_TAGS = frozenset({"ak_male_first", "ak_female_first", "wdper"})
# Words before a name that hint at its type (model forms are taken at load time).
TRIGGERS = {
    "PER": "الرئيس رئيس وزير الوزير وزيرة الملك ملك الامير امير الشيخ شيخ السيد السيدة "
           "الدكتور د العقيد اللواء العميد الجنرال المستشار النائب السفير الامين المتحدث "
           "الناطق الزعيم القائد المرشح المدرب اللاعب الفنان الكاتب الشاعر المطرب المغني "
           "الممثل المخرج الرئيسة الاستاذ البابا الامام رئيسة المستشارة السناتور الحاكم "
           "المبعوث المندوب المدير مدير نائب الفريق المشير زوجة ابن بن ابو ابي ام بنت عبد",
    "LOC": "مدينة المدينة العاصمة عاصمة محافظة منطقة قرية بلدة ولاية دولة جمهورية مملكة "
           "اقليم جزيرة جزر نهر بحر جبل شمال جنوب شرق غرب وسط حي مخيم ضاحية مقاطعة الى من "
           "في عاصمتها",
    "ORG": "شركة الشركة حزب الحزب حركة منظمة وكالة جامعة صحيفة مجلس بنك جبهة هيئة جمعية "
           "اتحاد الاتحاد نادي فريق مؤسسة معهد مركز وزارة محكمة جيش قوات مجموعة تنظيم رابطة "
           "لجنة اللجنة مصرف مجلة قناة اذاعة",
}
_L_VERBS = frozenset({"لقي", "لقيت", "لقوا", "لقيا", "لفظ", "لفظت", "لفظوا", "لفظا"})
_HAS_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"\W+")
_LATIN = re.compile("[A-Za-z]")
_OFFSETS = (-2, -1, 1, 2)
_BOUNDARY = {-2: "-2:BOS", -1: "-1:BOS", 1: "1:EOS", 2: "2:EOS"}
# Words whose features are kept for the life of the process: the pretrain's most frequent
# (its rows are in frequency order), about 9 KB each, so at most about 45 MB per process.
# Other words are kept while one document is tagged.  Caching every word instead held 158
# MB after 200 news articles (17,091 distinct words) for 10% more speed.
CACHE_RANK = 5_000


def strip_clitics(form: str) -> str:
    """``form`` without its longest leading proclitic chain, if 3 letters remain."""
    for p in PROCLITICS:
        if form.startswith(p) and len(form) - len(p) >= 3:
            return form[len(p):]
    return form


def bare_clitic(form: str) -> str:
    """``form`` without one leading و/ف/ب/ل (as ``casualties.bare_clitic``, copied so the
    CRF's features do not move when that module changes)."""
    if form in _L_VERBS:
        return form
    return form[1:] if len(form) > 3 and form[0] in "وفبل" else form


def triggers() -> dict[str, frozenset[str]]:
    """Model form -> the types it announces."""
    from worker.nlp.tokenize import model_form

    out: dict[str, set[str]] = {}
    for typ, words in TRIGGERS.items():
        for w in words.split():
            out.setdefault(model_form(w), set()).add(typ)
    return {w: frozenset(t) for w, t in out.items()}


# ---------------------------------------------------------------------------------------
# Lexicon: name lists, gazetteer spans, clusters (built by worker.nlp.train.crf)

@dataclass(frozen=True)
class Lexicon:
    """What the features look up besides the pretrain."""

    lists: dict[str, tuple[str, ...]]  # model form -> list tags (ak_*, wdper, country, g1_*)
    spans: dict[tuple[str, ...], tuple[str, ...]]  # model forms -> span tags
    common: frozenset[str]  # the gazetteer's common words
    clusters: dict[int, list[int]]  # k -> cluster of each pretrain row (-1: none)
    pretrain_size: int
    pretrain_head: tuple[str, ...]  # first words of the pretrain vocabulary, to match it

    def to_json(self) -> dict:
        return {"format": LEXICON_FORMAT,
                "lists": {k: list(v) for k, v in sorted(self.lists.items())},
                "spans": [[list(k), list(v)] for k, v in sorted(self.spans.items())],
                "common": sorted(self.common),
                "clusters": {str(k): v for k, v in self.clusters.items()},
                "pretrain_size": self.pretrain_size, "pretrain_head": list(self.pretrain_head)}

    @classmethod
    def from_json(cls, data: dict) -> "Lexicon":
        if data.get("format") != LEXICON_FORMAT:
            raise ValueError(f"lexicon format {data.get('format')!r}, expected {LEXICON_FORMAT}")
        return cls({k: tuple(v) for k, v in data["lists"].items()},
                   {tuple(k): tuple(v) for k, v in data["spans"]},
                   frozenset(data["common"]),
                   {int(k): v for k, v in data["clusters"].items()},
                   int(data["pretrain_size"]), tuple(data["pretrain_head"]))

    def save(self, path: Path) -> None:
        raw = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))
        with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as out:  # reproducible bytes
            out.write(raw.encode("utf-8"))

    @classmethod
    def read(cls, path: Path) -> "Lexicon":
        with gzip.open(path, "rt", encoding="utf-8") as fin:
            return cls.from_json(json.load(fin))


# ---------------------------------------------------------------------------------------
# Features

@dataclass(slots=True)
class _Word:
    """What one distinct word contributes, computed once (:meth:`Features._make`)."""

    form: str
    stem: str
    rank: int
    own: dict[str, float]  # its own features, vector included
    near: dict[int, dict[str, float]]  # offset -> its features as that neighbour
    trig: frozenset[str]  # "T" + the types it announces (doc marks of the next word)
    first_name: bool  # listed as a first name (doc mark "afterName" of the next word)


class Features:
    """The CRF's features (the model card's final set: gaz, lists, clus, trig, doc, emb)
    for sentences of model forms; ``words`` maps a pretrain word to its row, ``vectors``
    is the pretrain's matrix (rows x dims, any float dtype)."""

    def __init__(self, lexicon: Lexicon, words: list[str], vectors: Any):
        self.lexicon = lexicon
        self._row = {w: i for i, w in enumerate(words)}
        self._vectors = vectors
        self._emb_names = [f"e{k}" for k in range(int(vectors.shape[1]))]
        self._trig = triggers()
        self._starts: dict[str, int] = {}
        for key in lexicon.spans:
            self._starts[key[0]] = max(self._starts.get(key[0], 0), len(key))
        self._cache: dict[str, _Word] = {}  # frequent words, for the process
        self._local: dict[str, _Word] = {}  # the others, for the current document

    # -- per word ----------------------------------------------------------------------

    def word(self, form: str) -> _Word:
        hit = self._cache.get(form) or self._local.get(form)
        if hit is None:
            hit = self._make(form)
            (self._cache if hit.rank < CACHE_RANK else self._local)[form] = hit
        return hit

    def _rank(self, form: str) -> int:
        return self._row.get(form, UNKNOWN_RANK)

    def _cluster(self, form: str, k: int) -> str:
        row = self._row.get(form)
        label = self.lexicon.clusters[k][row] if row is not None else -1
        return str(label) if label >= 0 else "-"

    def _lex(self, form: str, stem: str, rank: int) -> tuple[str, ...]:
        if rank < COMMON_RANK:
            return ()
        lists = self.lexicon.lists
        tags = set()
        for key in (form, bare_clitic(form), stem):
            tags.update(lists.get(key, ()))
        return tuple(sorted(tags))

    def _make(self, w: str) -> _Word:
        stem, bare, rank = strip_clitics(w), bare_clitic(w), self._rank(w)
        f = ["b", "w=" + w, "st=" + stem, "bc=" + bare]
        for k in (1, 2, 3):
            f += [f"p{k}={w[:k]}", f"s{k}={w[-k:]}"]
        if len(stem) != len(w):
            f += ["s3st=" + stem[-3:], "p2st=" + stem[:2]]
        f += ["clit=" + w[:len(w) - len(stem)], "len=%d" % min(len(stem), 8),
              "rk=%d" % min(len(bin(rank)), 22)]
        if stem != w:
            f.append("rkst=%d" % min(len(bin(self._rank(stem))), 22))
        if w.isdigit():
            f.append("digit")
        elif _HAS_DIGIT.search(w):
            f.append("hasdigit")
        if _PUNCT.fullmatch(w):
            f.append("punct")
        if _LATIN.search(w):
            f.append("latin")
        for k in CLUSTER_SIZES:
            f.append(f"c{k}={self._cluster(w, k)}")
            if stem != w:
                f.append(f"cst{k}={self._cluster(stem, k)}")
        if w not in self._row or self._row[w] < 4:  # not a real pretrain word
            f.append("oov")
        lex = self._lex(w, stem, rank)
        f += ["L=" + t for t in lex]
        if w in self.lexicon.common:
            f.append("common")
        own = dict.fromkeys(f, 1.0)
        own.update(self._vector(w, stem))
        trig = frozenset(self._trig.get(w, frozenset()) | self._trig.get(stem, frozenset()))
        near = {}
        for d in _OFFSETS:
            g = [f"{d}:w={w}"]
            if abs(d) == 1:
                g += [f"{d}:st={stem}", f"{d}:s2={w[-2:]}"] + [f"{d}:L={t}" for t in lex]
            g.append(f"{d}:c400={self._cluster(w, 400)}")
            if abs(d) == 1:
                g.append(f"{d}:c1000={self._cluster(w, 1000)}")
            if d < 0:
                g += [f"{d}:T={t}" for t in sorted(trig)]
            near[d] = dict.fromkeys(g, 1.0)
        first = rank >= COMMON_RANK and bool(FIRST_NAME_TAGS.intersection(
            self.lexicon.lists.get(w, ())))
        return _Word(w, stem, rank, own, near, frozenset("T" + t for t in trig), first)

    def _vector(self, form: str, stem: str) -> dict[str, float]:
        """The word's (else its stem's) pretrain vector at length EMB_SCALE."""
        import numpy as np

        row = self._row.get(form)
        if row is None:
            row = self._row.get(stem)
        if row is None:
            return {}
        v = np.asarray(self._vectors[row], dtype=np.float32)
        v = v / (np.linalg.norm(v) + np.float32(1e-8)) * np.float32(EMB_SCALE)
        return dict(zip(self._emb_names, v.tolist()))

    # -- per sentence ------------------------------------------------------------------

    def span_tags(self, forms: list[str]) -> list[list[str]]:
        """Longest-match lexicon spans (the first token may carry a clitic or lack the
        article): B-/I- of each span tag, and len1-3, per token.  At equal length the
        form wins over its stem, then over the stem with the article."""
        spans, starts, n = self.lexicon.spans, self._starts, len(forms)
        out: list[list[str]] = [[] for _ in forms]
        i = 0
        while i < n:
            stem = self.word(forms[i]).stem
            best, tags = 0, ()
            for first in dict.fromkeys((forms[i], stem, "ال" + stem)):
                for length in range(min(starts.get(first, 0), n - i), best, -1):
                    hit = spans.get((first, *forms[i + 1:i + length]))
                    if hit is not None:
                        best, tags = length, hit
                        break
            if not best:
                i += 1
                continue
            mark = "len%d" % min(best, 3)
            for j in range(best):
                out[i + j] = [("B-" if j == 0 else "I-") + t for t in tags] + [mark]
            i += best
        return out

    def sentence(self, forms: list[str], doc: dict[str, set[str]] | None = None
                 ) -> list[dict[str, float]]:
        """Features of each token of one sentence; ``doc``: marks from the neighbouring
        sentences (:meth:`document`)."""
        words = [self.word(f) for f in forms]
        gaz = self.span_tags(forms)
        for i, w in enumerate(words):  # common words keep only curated ("safe") spans
            if gaz[i] and w.rank < COMMON_RANK and not any("safe" in t for t in gaz[i]):
                gaz[i] = []
        n, out = len(words), []
        for i, w in enumerate(words):
            x = w.own.copy()
            for t in gaz[i]:
                x["G=" + t] = 1.0
            if doc and (w.form in doc or w.stem in doc):
                for t in sorted(doc.get(w.form, set()) | doc.get(w.stem, set())):
                    x["D=" + t] = 1.0
            for d in _OFFSETS:
                j = i + d
                if j < 0 or j >= n:
                    x[_BOUNDARY[d]] = 1.0
                    continue
                x.update(words[j].near[d])
                if d == -1:
                    x[f"-1:w|w={words[j].form}|{w.form}"] = 1.0
                elif d == 1:
                    x[f"1:w|w={w.form}|{words[j].form}"] = 1.0
                if d in (-1, 1):
                    for t in gaz[j]:
                        x[f"{d}:G={t}"] = 1.0
            out.append(x)
        return out

    def marks(self, forms: list[str]) -> dict[str, set[str]]:
        """Form (and stem) -> marks of one sentence: the types announced by the word before
        it ("T" + type), "afterName" after a listed first name."""
        words = [self.word(f) for f in forms]
        out: dict[str, set[str]] = {}
        for prev, w in zip(words, words[1:]):
            if len(w.form) < 3 or w.rank < COMMON_RANK:
                continue
            m = set(prev.trig)
            if prev.first_name:
                m.add("afterName")
            if m:
                out.setdefault(w.form, set()).update(m)
                out.setdefault(w.stem, set()).update(m)
        return out

    def document(self, sentences: list[list[str]],
                 window: int = DOC_WINDOW) -> list[dict[str, set[str]]]:
        """For each sentence, the marks its words (forms and stems) have in the other
        sentences within ``window``."""
        # Per key, the sentences that mark it in ascending order, so that a sentence reads
        # only those within the window (bisect): a name marked in every sentence of a long
        # article made this quadratic (2,000 sentences: 0.70 s, now linear).
        at: dict[str, list[int]] = {}
        found: dict[str, list[set[str]]] = {}
        for k, sent in enumerate(sentences):
            for form, m in self.marks(sent).items():
                at.setdefault(form, []).append(k)
                found.setdefault(form, []).append(m)
        out = []
        for i, sent in enumerate(sentences):
            merged: dict[str, set[str]] = {}
            for w in map(self.word, sent):
                for key in (w.form, w.stem):
                    ks = at.get(key)
                    if not ks or key in merged:
                        continue
                    lo, hi = bisect_left(ks, i - window), bisect_right(ks, i + window)
                    for k, m in zip(ks[lo:hi], found[key][lo:hi]):
                        if k != i:
                            merged.setdefault(key, set()).update(m)
            out.append(merged)
        return out

    def documents(self, sentences: list[list[str]]) -> list[list[dict[str, float]]]:
        """Features of every sentence of one document (one article)."""
        self._local.clear()
        docs = self.document(sentences)
        return [self.sentence(s, d) for s, d in zip(sentences, docs)]


# ---------------------------------------------------------------------------------------
# The loaded CRF

class CrfTagger:
    """The CRF, its lexicon and the pretrain's words and vectors; :meth:`tag_document`."""

    def __init__(self, model: Path, features: Features):
        import pycrfsuite

        self.model = model
        self.features = features
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model))

    @classmethod
    def load(cls, folder: Path, pretrain: dict | None = None,
             pretrain_path: Path | None = None) -> "CrfTagger":
        """The CRF in ``folder``; ``pretrain``: the stanza pretrain already read (else
        read from ``pretrain_path``).  ModelError when the files are missing, unreadable
        or built with another pretrain."""
        model, lexicon_path = folder / MODEL_NAME, folder / LEXICON_NAME
        for path in (model, lexicon_path):
            if not path.is_file():
                raise ModelError(f"NER CRF file {path} is missing; rebuild it with `python -m "
                                 f"worker.nlp.train --stages crf,ship` or set RASAD_NER_CRF=off.")
        try:
            lexicon = Lexicon.read(lexicon_path)
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise ModelError(f"NER CRF lexicon {lexicon_path} is unreadable "
                             f"({type(err).__name__}: {err}).") from err
        if pretrain is None:
            pretrain = _read_pretrain(pretrain_path)
        words, vectors = pretrain["vocab"]["_id2unit"], pretrain["emb"]
        check_pretrain(lexicon, words, lexicon_path)
        return cls(model, Features(lexicon, list(words), _as_array(vectors)))

    def tag(self, sentences: list[list[str]]) -> list[list[str]]:
        """BIO tags of each sentence of model forms, the sentences being one document."""
        tagger = self._tagger
        return [tagger.tag(x) if x else [] for x in self.features.documents(sentences)]


def check_pretrain(lexicon: Lexicon, words, where: Path) -> None:
    head = tuple(words[:len(lexicon.pretrain_head)])
    if len(words) != lexicon.pretrain_size or head != lexicon.pretrain_head:
        raise ModelError(f"NER CRF {where} was built with another pretrain "
                         f"({lexicon.pretrain_size} words, this one has {len(words)}); "
                         f"rebuild it with `python -m "
                         f"worker.nlp.train --stages crf,ship` after retraining the vectors.")


def _read_pretrain(path: Path | None) -> dict:
    from worker.nlp.ner import torch_load

    if path is None or not path.is_file():
        raise ModelError(f"the NER CRF needs the pretrain it was built with; {path} is missing.")
    return torch_load(path)


def _as_array(vectors: Any):
    """A numpy view of the pretrain matrix (a torch tensor as stanza stores it)."""
    import numpy as np

    if hasattr(vectors, "numpy"):
        return vectors.detach().cpu().numpy()
    return np.asarray(vectors)


# ---------------------------------------------------------------------------------------
# Combination

def entities(tags: list[str]) -> list[tuple[str, int, int]]:
    """(type, start, end) of each entity of BIO tags, end exclusive; an I- tag that does not
    continue an entity of its type starts one (CoNLL, as ``ner.spans``)."""
    found: list[tuple[str, int, int]] = []
    kind, start = None, 0
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, typ = tag.partition("-")
        if prefix == "I" and typ == kind:
            continue
        if kind is not None:
            found.append((kind, start, i))
        kind, start = (typ, i) if prefix in ("B", "I") else (None, i)
    return found


def add_free_entities(base: list[str], extra: list[str]) -> list[str]:
    """``base`` BIO tags plus every entity of ``extra`` that overlaps no entity of ``base``
    (the model card's C1)."""
    taken = [t != "O" for t in base]
    out = list(base)
    for typ, start, end in entities(extra):
        if not any(taken[start:end]):
            out[start:end] = ["B-" + typ] + ["I-" + typ] * (end - start - 1)
    return out


def combine(base: Iterable[list[str]], extra: Iterable[list[str]]) -> list[list[str]]:
    """:func:`add_free_entities` for each sentence."""
    return [add_free_entities(b, e) for b, e in zip(base, extra, strict=True)]


# ---------------------------------------------------------------------------------------
# Name propagation (document level)

PROPAGATE_WINDOW = 10  # sentences either side, as the doc feature (about an article)
PROPAGATE_MIN_CHARS = 3  # one-word names shorter than this are not propagated (و، في)


def propagate(forms: list[list[str]], tags: list[list[str]],
              window: int = PROPAGATE_WINDOW) -> list[list[str]]:
    """``tags`` plus the names they tag copied to the other occurrences of the same forms
    within ``window`` sentences either side where every token is untagged (longest name
    first; a name tagged with several types takes its most frequent one, ties by type
    name).  ``forms``: the model forms of one document."""
    names = [_names_of(f, t) for f, t in zip(forms, tags, strict=True)]
    out = []
    for i, (sent, sent_tags) in enumerate(zip(forms, tags)):
        near: dict[tuple[str, ...], dict[str, int]] = {}
        for k in range(max(0, i - window), min(len(forms), i + window + 1)):
            for name, typ in names[k]:
                near.setdefault(name, {}).setdefault(typ, 0)
                near[name][typ] += 1
        out.append(_tag_occurrences(sent, sent_tags, near) if near else list(sent_tags))
    return out


# A person's surname alone names them again after the full name ("فيكتوريا مارينوفا" ...
# "مقتل مارينوفا"; "صالح الصماد" ... "مقتل الصماد"), and the tagger misses most such
# one-word mentions: the surname of a PER name of two words or more is propagated too, when
# it has SURNAME_MIN_CHARS letters and is no part of a compound given name ("عبد الله"، "نور
# الدين") or a patronymic after بن ("محمد بن سلمان": سلمان alone is his father).  ANERcorp
# dev: overall F1 77.12 -> 77.11 (PER 75.97 -> 75.93: neutral); the report gold's killed
# figures of named victims: see worker/nlp/resources/reports/MODEL_CARD.md, stop 28.
SURNAME_MIN_CHARS = 4
_COMPOUND_HEADS = frozenset({"عبد", "ابو", "ابي", "ام", "بن", "ابن", "بنت", "ال"})
_COMPOUND_TAILS = frozenset({"الله", "الدين", "الرحمن", "الرحيم", "الاسلام", "العزيز", "الكريم",
                             "الحق", "النبي"})


def _names_of(forms: list[str], tags: list[str]) -> list[tuple[tuple[str, ...], str]]:
    found = []
    for typ, start, end in entities(tags):
        name = tuple(forms[start:end])
        if end - start > 1 or len(name[0]) >= PROPAGATE_MIN_CHARS:
            found.append((name, typ))
        if typ == "PER" and end - start > 1 and len(name[-1]) >= SURNAME_MIN_CHARS \
                and name[-2] not in _COMPOUND_HEADS and name[-1] not in _COMPOUND_TAILS:
            found.append(((name[-1],), typ))
    return found


def _tag_occurrences(forms: list[str], tags: list[str],
                     near: dict[tuple[str, ...], dict[str, int]]) -> list[str]:
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name, types in near.items():
        typ = min(types, key=lambda t: (-types[t], t))
        by_first.setdefault(name[0], []).append((name, typ))
    out, i = list(tags), 0
    while i < len(forms):
        for name, typ in sorted(by_first.get(forms[i], ()), key=lambda n: -len(n[0])):
            end = i + len(name)
            if tuple(forms[i:end]) == name and all(t == "O" for t in out[i:end]):
                out[i:end] = ["B-" + typ] + ["I-" + typ] * (len(name) - 1)
                i = end - 1
                break
        i += 1
    return out
