"""Stanza's NER network run directly on Rasad's tokens, without the Pipeline (issue 12, item 1).

The stanza Pipeline spends about 40 % of its NER time on Python bookkeeping around the
network (issue 12, measured on 200 ANT articles): it builds a Document from the
pre-tokenised sentences, its DataLoader re-maps every word and character per sentence, its
model computes the CRF training loss (a Python loop over the longest sentence) on every
batch, and it decodes each sentence with numpy Viterbi.  :class:`DirectNER` keeps the
trained network and its vocabularies exactly as stanza builds them
(``stanza.models.ner.model.NERTagger``, ``MultiVocab``) and replaces only that
bookkeeping:

* the checkpoint and the pretrain are read once (``torch.load``), checked from what was
  loaded, and the model is built without stanza's Trainer, whose constructor builds an
  optimizer inference never uses;
* a word's ids (pretrain row, delta row, characters) are computed once per process with
  stanza's own vocabulary lookups (same lowercasing and space handling) and cached;
* sentences of a whole batch of articles are sorted by length and cut into batches of about
  ``batch_tokens`` tokens, so padding stays small; the character model runs once per
  distinct word of a batch;
* the forward pass is stanza's own (``NERTagger.forward`` minus the loss), in eval mode
  under ``torch.inference_mode``;
* Viterbi decoding runs over the whole batch at once in torch, with stanza's arithmetic
  and tie-breaking (first maximum), then stanza's own ``fix_singleton_tags``.

Tags are identical to the Pipeline's on real news (tests/test_ner_direct.py).  Models this
path does not cover (character language models, transformers, several tag columns) are
run through the Pipeline by :mod:`worker.nlp.ner`, which says so in its log.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import torch
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

# Stanza's vocab constants (stanza/models/common/vocab.py).
PAD_ID, UNK_ID, VOCAB_PREFIX_SIZE = 0, 1, 4
DEFAULT_BATCH_TOKENS = 4096
DEFAULT_BATCH_SENTENCES = 256
# Distinct words whose ids are kept, per process (about 10 MB; a forked child fills its own):
# past it the cache starts again.  200 news articles have 17,091 distinct tokens (3.4 MB).
_CACHE_LIMIT = 50_000


class Unsupported(Exception):
    """The model needs something the direct path does not implement."""


def unsupported_reason(config: dict, state_keys) -> str | None:
    """Why the direct path cannot run a model with this config, or None if it can."""
    if config.get("charlm"):
        return "it uses character language models"
    if config.get("bert_model") or config.get("use_peft"):
        return "it uses a transformer"
    if config.get("connect_output_layers") or any(k.startswith("tag_clfs.1.") for k in state_keys):
        return "it predicts several tag columns"
    return None


@dataclass(slots=True)
class _Word:
    """A word's ids, computed once with stanza's own vocabulary lookups."""

    word: int
    delta: int
    chars: list[int]


class DirectNER:
    """A loaded stanza NER network with its vocabularies; :meth:`tag` takes token lists."""

    def __init__(self, checkpoint: dict, emb: Any | None, *,
                 batch_tokens: int = DEFAULT_BATCH_TOKENS):
        reason = unsupported_reason(checkpoint["config"], checkpoint["model"].keys())
        if reason:
            raise Unsupported(reason)
        self.model, self.vocab = _build(checkpoint, emb)
        self.args = self.model.args
        self.batch_tokens = batch_tokens
        self._words: dict[str, _Word] = {}
        tag_vocab = self.vocab["tag"]
        size = len(tag_vocab._id2unit[0])
        self._tag_names = [tag_vocab.id2unit((max(i, VOCAB_PREFIX_SIZE),))[0] for i in range(size)]
        self._lower = bool(self.args.get("lowercase", True))
        self._char_lower = bool(self.args.get("char_lowercase", False))
        self._has_word = self.args["word_emb_dim"] > 0 and "word" in self.vocab
        self._has_delta = self.args["word_emb_dim"] > 0 and "delta" in self.vocab \
            and self.model.delta_emb is not None
        self._has_char = bool(self.args["char"]) and self.args["char_emb_dim"] > 0
        from stanza.models.ner.trainer import fix_singleton_tags

        self._fix_singletons = fix_singleton_tags  # stanza's own post-processing of paths

    # -- inputs -------------------------------------------------------------------------

    def _ids(self, word: str) -> _Word:
        hit = self._words.get(word)
        if hit is None:
            if len(self._words) >= _CACHE_LIMIT:
                self._words.clear()
            hit = self._words[word] = self._lookup(word)
        return hit

    def _lookup(self, word: str) -> _Word:
        # NERTagger.extract_static_embeddings: lowercase (args["lowercase"]) then the vocab's
        # own unit2id; NERTagger.forward: a word unknown to delta but known to the pretrain
        # reads the delta PAD row (zeros).  DataLoader.preprocess: chars, char_lowercase.
        cased = word.lower() if self._lower else word
        wid = self.vocab["word"].unit2id(cased) if self._has_word else PAD_ID
        did = self.vocab["delta"].unit2id(cased) if self._has_delta else PAD_ID
        if self._has_word and self._has_delta and did == UNK_ID and wid != UNK_ID:
            did = PAD_ID
        chars = []
        if self._has_char:
            chars = self.vocab["char"].map([c.lower() if self._char_lower else c for c in word])
        return _Word(wid, did, chars)

    # -- tagging ------------------------------------------------------------------------

    def tag(self, sentences: list[list[str]]) -> list[list[str]]:
        """Stanza's BIOES tags for each sentence (same as the Pipeline's ``token.ner``).
        Sentences must be non-empty."""
        order = sorted(range(len(sentences)), key=lambda i: -len(sentences[i]))
        result: list[list[str]] = [[] for _ in sentences]
        with torch.inference_mode():
            for chunk in self._chunks(order, sentences):
                for i, tags in zip(chunk, self._tag_sorted([sentences[i] for i in chunk])):
                    result[i] = tags
        return result

    def _chunks(self, order: list[int], sentences: list[list[str]]):
        """Runs of the length-sorted sentences with at most ``batch_tokens`` tokens of padded
        batch (longest x count) and DEFAULT_BATCH_SENTENCES sentences."""
        chunk: list[int] = []
        for i in order:
            width = len(sentences[chunk[0]]) if chunk else len(sentences[i])
            if chunk and (width * (len(chunk) + 1) > self.batch_tokens
                          or len(chunk) >= DEFAULT_BATCH_SENTENCES):
                yield chunk
                chunk = []
            chunk.append(i)
        if chunk:
            yield chunk

    def _tag_sorted(self, sents: list[list[str]]) -> list[list[str]]:
        """Tags for sentences sorted by length, longest first."""
        lens = [len(s) for s in sents]
        ids = [[self._ids(w) for w in s] for s in sents]
        logits = self._forward(ids, lens)
        trans = self.model.crits[0]._transitions
        paths = viterbi_batch(logits, trans, torch.tensor(lens))
        names, fix = self._tag_names, self._fix_singletons
        return [fix([names[t] for t in path]) for path in paths]

    def _forward(self, ids: list[list[_Word]], lens: list[int]) -> torch.Tensor:
        """NERTagger.forward (stanza 1.15) in eval mode without the CRF loss: padded logits
        (batch x longest x tags)."""
        model, args = self.model, self.args
        batch, width = len(lens), lens[0]
        inputs = []
        if self._has_word or self._has_delta:
            inputs.append(self._word_embeddings(ids, batch, width))
        if self._has_char:
            inputs.append(self._char_embeddings(ids, lens, width))
        padded = torch.cat(inputs, 2) if len(inputs) > 1 else inputs[0]
        packed = pack_padded_sequence(padded, lens, batch_first=True)
        lstm_inputs = packed.data
        if model.input_transform is not None:
            lstm_inputs = model.input_transform(lstm_inputs)
        hidden, layers = args["hidden_dim"], args["num_layers"]
        out, _ = model.taggerlstm(
            PackedSequence(lstm_inputs, packed.batch_sizes), lens,
            hx=(model.taggerlstm_h_init.expand(2 * layers, batch, hidden).contiguous(),
                model.taggerlstm_c_init.expand(2 * layers, batch, hidden).contiguous()))
        scores = model.tag_clfs[0](out.data)
        return pad_packed_sequence(PackedSequence(scores, packed.batch_sizes),
                                   batch_first=True)[0].contiguous()

    def _word_embeddings(self, ids, batch: int, width: int) -> torch.Tensor:
        model = self.model
        emb = None
        if self._has_word:
            emb = model.word_emb(_padded([[w.word for w in s] for s in ids], batch, width))
        if self._has_delta:
            delta = model.delta_emb(_padded([[w.delta for w in s] for s in ids], batch, width))
            emb = delta if emb is None else emb + delta
        return emb

    def _char_embeddings(self, ids, lens: list[int], width: int) -> torch.Tensor:
        """CharacterModel.forward (bidirectional, no attention: the final states), run once
        per distinct word of the batch; padded to (batch x longest x 2*char_hidden)."""
        charmodel = self.model.charmodel
        distinct: dict[int, int] = {}
        words: list[list[int]] = []
        index = []
        for sent in ids:
            for w in sent:
                k = distinct.get(id(w))
                if k is None:
                    k = distinct[id(w)] = len(words)
                    words.append(w.chars)
                index.append(k)
        by_len = sorted(range(len(words)), key=lambda k: -len(words[k]))
        wordlens = [len(words[k]) for k in by_len]
        chars = _padded([words[k] for k in by_len], len(by_len), wordlens[0])
        embs = pack_padded_sequence(charmodel.char_emb(chars), wordlens, batch_first=True)
        dirs, layers, hidden = 2, self.args["char_num_layers"], self.args["char_hidden_dim"]
        n = len(by_len)
        _, (h, _) = charmodel.charlstm(embs, wordlens, hx=(
            charmodel.charlstm_h_init.expand(dirs * layers, n, hidden).contiguous(),
            charmodel.charlstm_c_init.expand(dirs * layers, n, hidden).contiguous()))
        reps = h[-2:].transpose(0, 1).contiguous().view(n, -1)
        back = torch.empty(n, dtype=torch.long)
        back[torch.tensor(by_len)] = torch.arange(n)
        per_token = reps[back[torch.tensor(index)]]
        out = per_token.new_zeros(len(lens), width, per_token.shape[1])
        out[_mask(lens, width)] = per_token
        return out


def _padded(rows: list[list[int]], batch: int, width: int) -> torch.Tensor:
    """A (batch x width) LongTensor of the rows, PAD_ID after each row's end."""
    out = torch.zeros(batch, width, dtype=torch.long)
    flat = [x for row in rows for x in row]
    if flat:
        out[_mask([len(r) for r in rows], width)] = torch.tensor(flat, dtype=torch.long)
    return out


def _mask(lens: list[int], width: int) -> torch.Tensor:
    return torch.arange(width).unsqueeze(0) < torch.tensor(lens).unsqueeze(1)


def viterbi_batch(logits: torch.Tensor, trans: torch.Tensor, lens: torch.Tensor) -> list[list[int]]:
    """Best tag path of each sentence: stanza's ``viterbi_decode`` (common/crf.py) for a
    whole padded batch (batch x time x tags) at once.  Same float32 sums, and the first
    maximum wins ties as numpy's argmax does; a sentence's trellis stops at its length."""
    batch, width, _ = logits.shape
    trellis = logits[:, 0]
    back = torch.zeros(batch, width, logits.shape[2], dtype=torch.long)
    for t in range(1, width):
        best, arg = (trellis.unsqueeze(2) + trans.unsqueeze(0)).max(1)
        live = (t < lens).unsqueeze(1)
        trellis = torch.where(live, logits[:, t] + best, trellis)
        back[:, t] = arg
    final = trellis.argmax(1)
    current = final
    paths = torch.zeros(batch, width, dtype=torch.long)
    for t in range(width - 1, -1, -1):
        live = t < lens
        current = torch.where(t == lens - 1, final, current)
        paths[:, t] = torch.where(live, current, paths[:, t])
        if t:
            step = back[:, t].gather(1, current.unsqueeze(1)).squeeze(1)
            current = torch.where(live, step, current)
    return [row[:n] for row, n in zip(paths.tolist(), lens.tolist())]


@contextlib.contextmanager
def _embeddings_left_uninitialised():
    """Skip ``nn.Embedding``'s random initialisation while the model is built: it filled 13
    million weights that the checkpoint and the pretrain overwrite, 0.25 s of every start
    (issue 12).  Every weight is then loaded, which :func:`_build` checks.  (Building on
    torch's meta device instead imports torch._dynamo: 2 s.)"""
    saved = torch.nn.Embedding.reset_parameters
    torch.nn.Embedding.reset_parameters = lambda self: None
    try:
        yield
    finally:
        torch.nn.Embedding.reset_parameters = saved


def _build(checkpoint: dict, emb: Any | None):
    """NERTagger and MultiVocab from a loaded checkpoint, as stanza's Trainer.load builds
    them, minus the optimizer; raises ValueError when the weights do not fit."""
    from stanza.models.ner.model import NERTagger
    from stanza.models.ner.vocab import MultiVocab

    args = dict(checkpoint["config"])
    args.update(charlm_forward_file=None, charlm_backward_file=None)
    for keep in ("predict_tagset", "train_scheme", "scheme"):
        args.setdefault(keep, None)
    if args["predict_tagset"] is None:
        args["predict_tagset"] = 0
    vocab = MultiVocab.load_state_dict(checkpoint["vocab"])
    state = dict(checkpoint["model"])
    if any(k.startswith("crit.") for k in state):  # stanza's old single-column format
        state["crits.0._transitions"] = state.pop("crit._transitions")
        state["tag_clfs.0.weight"] = state.pop("tag_clf.weight")
        state["tag_clfs.0.bias"] = state.pop("tag_clf.bias")
    with _embeddings_left_uninitialised():
        model = NERTagger(args, vocab, emb_matrix=None)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if "word_emb.weight" in missing:
        if emb is None:
            raise ValueError("the model needs its pretrain embedding")
        model.init_emb(emb)
        missing.remove("word_emb.weight")
    if missing or unexpected:
        raise ValueError(f"weights do not fit the model: missing {missing[:5]}, "
                         f"unexpected {unexpected[:5]}")
    model.eval()
    return model, vocab
