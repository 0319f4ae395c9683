"""Entity-level exact-match scoring, CoNLL style (as conlleval): an entity counts only when
its type and both boundaries match.  An I- tag after O or after another type starts a new
entity, as conlleval does."""

from __future__ import annotations

from collections import Counter


def entities(tags: list[str]) -> set[tuple[str, int, int]]:
    """(type, start, end) of every entity in one sentence's BIO/BIOES tags, end exclusive."""
    found: set[tuple[str, int, int]] = set()
    kind, start = None, 0
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, typ = tag.partition("-")
        begins = prefix in {"B", "S"} or (prefix in {"I", "E"} and typ != kind)
        if kind is not None and (prefix == "O" or begins):
            found.add((kind, start, i))
            kind = None
        if begins:
            kind, start = typ, i
        if prefix in {"E", "S"} and kind is not None:
            found.add((kind, start, i + 1))
            kind = None
    return found


def score(gold: list[list[str]], pred: list[list[str]]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 (percent) and support per type and ``overall``."""
    tp: Counter = Counter()
    n_gold: Counter = Counter()
    n_pred: Counter = Counter()
    for g, p in zip(gold, pred, strict=True):
        ge, pe = entities(g), entities(p)
        for kinds, ents in ((n_gold, ge), (n_pred, pe)):
            for e in ents:
                kinds[e[0]] += 1
                kinds["overall"] += 1
        for e in ge & pe:
            tp[e[0]] += 1
            tp["overall"] += 1
    types = sorted(set(n_gold) | set(n_pred), key=lambda t: (t == "overall", t))
    return {t: _prf(tp[t], n_pred[t], n_gold[t]) for t in types}


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = 100.0 * tp / n_pred if n_pred else 0.0
    r = 100.0 * tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 2), "recall": round(r, 2), "f1": round(f, 2), "support": n_gold}


def table(scores: dict[str, dict[str, float]]) -> str:
    """A Markdown table of :func:`score`'s result."""
    lines = ["| type | precision | recall | F1 | gold entities |", "|---|---:|---:|---:|---:|"]
    for typ, s in scores.items():
        lines.append(f"| {typ} | {s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} | "
                     f"{s['support']} |")
    return "\n".join(lines)


def _names(sentences) -> set[str]:
    """The surface strings (model forms, space-joined) of every entity in ``sentences``."""
    from worker.nlp.tokenize import model_form

    names: set[str] = set()
    for sent in sentences:
        tags = [tag[:-4] + "PER" if tag.endswith("-PERS") else tag for _, tag in sent]
        for _, s, e in entities(tags):
            names.add(" ".join(model_form(tok) for tok, _ in sent[s:e]))
    return names


def seen_unseen(train, dev, pred: list[list[str]]) -> dict[str, dict[str, float]]:
    """Precision/recall/F1 on dev names that occur as an entity (of any type) in ``train``
    (``seen``) and on those that do not (``unseen``).  A predicted entity is put in the
    group of its own surface string, so the two precisions are comparable too."""
    from worker.nlp.tokenize import model_form

    known = _names(train)
    tp: Counter = Counter()
    n_gold: Counter = Counter()
    n_pred: Counter = Counter()
    for sent, p in zip(dev, pred, strict=True):
        g = [tag[:-4] + "PER" if tag.endswith("-PERS") else tag for _, tag in sent]
        ge, pe = entities(g), entities(p)

        def group(e) -> str:
            name = " ".join(model_form(tok) for tok, _ in sent[e[1]:e[2]])
            return "seen" if name in known else "unseen"

        for e in ge:
            n_gold[group(e)] += 1
        for e in pe:
            n_pred[group(e)] += 1
        for e in ge & pe:
            tp[group(e)] += 1
    return {k: _prf(tp[k], n_pred[k], n_gold[k]) for k in ("seen", "unseen")}


def seen_table(seen: dict[str, dict[str, float]]) -> str:
    """A Markdown table of :func:`seen_unseen`'s result."""
    lines = ["| dev names | precision | recall | F1 | gold entities |",
             "|---|---:|---:|---:|---:|"]
    for kind, s in seen.items():
        lines.append(f"| {kind} in training | {s['precision']:.2f} | {s['recall']:.2f} | "
                     f"{s['f1']:.2f} | {s['support']} |")
    return "\n".join(lines)


def fused_tags(dev_tokens: list[list[str]], pred: list[list[str]]) -> list[list[str]]:
    """The tagger's output merged with the gazetteer the way production does it
    (worker.nlp.entities.merge_entities), mapped back to BIO tags on the dev tokens: a token
    belongs to an entity when the entity's characters overlap it (the merge trims clitics
    such as و in والعراق; ANERcorp tags the whole token, so the token is kept)."""
    from worker.nlp import entities as entity_stage
    from worker.nlp.gazetteer import default_gazetteer
    from worker.nlp.ner import spans as ner_spans
    from worker.nlp.tokenize import Token

    gazetteer = default_gazetteer()
    out = []
    for words, tags in zip(dev_tokens, pred, strict=True):
        toks, at = [], 0
        for w in words:
            toks.append(Token(w, at, at + len(w)))
            at += len(w) + 1
        text = " ".join(words)
        ents = entity_stage.merge_entities(text, ner_spans(toks, tags), gazetteer)
        fused = ["O"] * len(words)
        for ent in sorted(ents, key=lambda e: e.start):
            inside = [i for i, t in enumerate(toks) if t.start < ent.end and ent.start < t.end]
            if not inside or any(fused[i] != "O" for i in inside):
                continue
            for n, i in enumerate(inside):
                fused[i] = ("B-" if n == 0 else "I-") + ent.type
        out.append(fused)
    return out
