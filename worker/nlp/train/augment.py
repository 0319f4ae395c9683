"""More training data for the NER tagger: the extra corpora and entity substitution (issue 9).

Extra corpora (``../shared/data/ner/extra``, see ``../shared/data/README.md``):

* ``aqmar``: AQMAR Arabic Wikipedia NER (Mohit et al. 2012), CC BY-SA 3.0; ``aqmar-nomisc``
  is the same with MISC turned into O (AQMAR's MISC is article-specific and broader than
  ANERcorp's);
* ``wojood``: the public Wojood sample (Jarrar et al. 2022), MIT, flattened to PER/LOC/ORG/MISC.

Entity substitution (mention replacement, Dai & Adel, "An Analysis of Simple Data
Augmentation for Named Entity Recognition", COLING 2020): copies of training sentences in
which each PER, LOC and ORG name is swapped for another name of the same type.  Most names
in new articles were never in training; swapping teaches the tagger the contexts of a type
("قال ... المتحدث باسم", "في مدينة ...") rather than the names themselves.  Replacement names
come from the name lists in ``extra/`` (Wikidata person tokens, given and family names,
countries), the gazetteer's places and organisations, and the training entities
themselves.  Deterministic for a seed.
"""

from __future__ import annotations

import logging
import random
import re
from collections import defaultdict
from pathlib import Path

from worker.nlp.train.data import Sentence, drop_types, read_tsv, to_rasad_tag

log = logging.getLogger(__name__)

EXTRA_FILES = {"aqmar": "aqmar.tsv", "aqmar-nomisc": "aqmar.tsv", "wojood": "wojood_sample.tsv"}
GAZETTEER = Path(__file__).resolve().parents[1] / "resources" / "gazetteer"
_ARABIC_WORD = re.compile(r"^[\u0621-\u064a]{3,}$")


def extra_corpora(names: list[str], extra_dir: Path) -> list[Sentence]:
    """The sentences of the named extra corpora (tags mapped to Rasad's PER/LOC/ORG/MISC)."""
    out: list[Sentence] = []
    for name in names:
        if name not in EXTRA_FILES:
            raise ValueError(f"unknown extra corpus {name!r}: expected one of "
                             f"{', '.join(sorted(EXTRA_FILES))}")
        sents = read_tsv(extra_dir / EXTRA_FILES[name])
        if name.endswith("-nomisc"):
            sents = drop_types(sents, {"MISC"})
        sents = [[(tok, to_rasad_tag(tag)) for tok, tag in s] for s in sents]
        log.info("data: extra corpus %s: %d sentences, %d tokens", name, len(sents),
                 sum(len(s) for s in sents))
        out += sents
    return out


def spans(sent: Sentence) -> list[tuple[str, int, int]]:
    """(type, start, end) of the BIO entities of one sentence, end exclusive."""
    from worker.nlp.train.score import entities

    return sorted(entities([to_rasad_tag(tag) for _, tag in sent]), key=lambda e: e[1])


def common_words() -> set[str]:
    """Frequent words of the non-news sections (the gazetteer's list of place names that are
    common words): never used as a replacement name."""
    return {line.split("\t")[0] for line in _lines(GAZETTEER / "common_words.tsv")}


def name_pools(train: list[Sentence], extra_dir: Path, common: set[str]) -> dict[str, list]:
    """Replacement names per type, each a tuple of tokens."""
    pools: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for sent in train:
        for typ, s, e in spans(sent):
            pools[typ].add(tuple(tok for tok, _ in sent[s:e]))
    given, family = [], []
    for line in _lines(extra_dir / "names_akhateeb.tsv"):
        name, _, source = line.split("\t")[:3]
        (family if ":last:" in source else given).append(name)
    wikidata = [line.split("\t")[0] for line in _lines(extra_dir /
                                                          "names_wikidata_person_tokens.tsv")]
    # The Wikidata token list holds a few function words ("في", "بن" is fine); keep Arabic
    # words of 3+ letters that are not common words of the news corpus.
    wikidata = [w for w in wikidata if _ARABIC_WORD.match(w) and w not in common]
    rng = random.Random(7)
    for _ in range(6000):
        first = rng.choice(given + wikidata[:5000])
        last = rng.choice(family + wikidata)
        pools["PER"].add((first, last) if rng.random() < 0.8 else (first,))
    for line in _lines(extra_dir / "names_country_list.tsv"):
        pools["LOC"].add(tuple(line.split("\t")[0].split()))
    for line in _lines(GAZETTEER / "places.tsv"):
        cols = line.split("\t")
        if len(cols) > 6 and cols[0] != "id" and cols[6] and _ARABIC_WORD.match(
                cols[6].split()[0]):
            pools["LOC"].add(tuple(cols[6].split()))
    pools["ORG"].update(_organisations())
    return {typ: sorted(names) for typ, names in pools.items() if typ in {"PER", "LOC", "ORG"}}


def _organisations() -> set[tuple[str, ...]]:
    import yaml

    doc = yaml.safe_load((GAZETTEER / "organisations.yaml").read_text(encoding="utf-8"))
    names: set[tuple[str, ...]] = set()
    for ent in doc.get("entities", []):
        if ent.get("type") == "ORG":
            for name in [ent.get("name_ar")] + list(ent.get("aliases_ar") or []):
                if name:
                    names.add(tuple(name.split()))
    return names


def substitute(train: list[Sentence], pools: dict[str, list], copies: int,
               seed: int = 1234) -> list[Sentence]:
    """``copies`` new versions of every training sentence that has a PER, LOC or ORG name,
    each name replaced by a random one of its type (tags rebuilt as BIO)."""
    rng = random.Random(seed)
    out: list[Sentence] = []
    for sent in train:
        ents = [e for e in spans(sent) if e[0] in pools]
        if not ents:
            continue
        for _ in range(copies):
            new: Sentence = []
            at = 0
            for typ, s, e in ents:
                new += sent[at:s]
                name = rng.choice(pools[typ])
                new += [(tok, ("B-" if i == 0 else "I-") + typ) for i, tok in enumerate(name)]
                at = e
            new += sent[at:]
            out.append(new)
    log.info("data: entity substitution: %d new sentences (%d copies of %d with names)",
             len(out), copies, len(out) // max(1, copies))
    return out


def _lines(path: Path) -> list[str]:
    return [line.rstrip("\n") for line in path.open(encoding="utf-8")
            if line.strip() and not line.startswith("#")]
