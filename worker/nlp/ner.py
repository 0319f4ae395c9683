"""Arabic named-entity tagging with stanza models, from local files only.

``NerTagger.load(spec)`` reads the model named by ``spec`` (``RASAD_NER_MODEL``) and never
touches the network (DESIGN.md, "Entities"):

* ``bundled`` (default): the model Rasad trains and ships in ``worker/nlp/resources/ner``
  (see its MODEL_CARD.md and ``python -m worker.nlp.train``);
* ``stanza``: the official Stanza Arabic models in ``STANZA_RESOURCES_DIR`` (or
  ``~/stanza_resources``), installed with ``rasad models download`` (:func:`download_official`);
* a path: a model ``.pt`` file, or a directory holding one, with its pretrain file beside it.

Two engines run a model (``RASAD_NER_ENGINE``): ``direct`` (default) runs the trained
network on Rasad's own batches (:mod:`worker.nlp.ner_direct`: a third of the Pipeline's CPU
time, load in 0.5 s instead of 2.6 s, issue 12); ``pipeline`` builds a ``stanza.Pipeline``
with ``download_method=None`` and ``tokenize_pretokenized=True``.  Both give the same tags
(tests/test_ner_direct.py).  The official models, and any model with character language
models or a transformer, always use the Pipeline; the log says so.

The bundled model comes with a linear-chain CRF (:mod:`worker.nlp.ner_crf`, issue 9) whose
entities are added where the tagger found none (``RASAD_NER_CRF``, default on: dev F1
75.2 -> 76.8, unseen names found 55% -> 62% of the time; MODEL_CARD.md).  A model given by
path gets it when the CRF files are beside it.  The CRF reads a document's sentences
together (it looks 10 sentences either side), so :meth:`NerTagger.tag_documents` takes
articles apart; :meth:`NerTagger.tag` takes one.  Then a name tagged once is tagged at its
other untagged occurrences within 10 sentences either side (:func:`ner_crf.propagate`,
``RASAD_NER_PROPAGATE``, default on: 76.8 -> 77.1, chosen by cross-validation on the
train part; MODEL_CARD.md).

Everything that would make stanza silently produce garbage is a :class:`ModelError` at load
time: a missing model, a missing pretrain for a model trained with word vectors (stanza
then runs with random vectors), or a pretrain whose vocabulary or dimension is not the one
the model was trained with.  The direct engine checks the files it has read, so each is
read once.

Measured here (DESIGN.md): forked Celery children hang in inference unless torch runs one
thread, so :func:`load` calls ``torch.set_num_threads`` before building the model; and one
batched call over many sentences is about 3x faster than a call per sentence, so
:meth:`NerTagger.tag` takes all sentences of many articles at once.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worker.errors import ModelError
from worker.nlp import ner_crf
from worker.nlp.tokenize import Token, model_form

log = logging.getLogger(__name__)

BUNDLED_DIR = Path(__file__).parent / "resources" / "ner"
BUNDLED_MODEL = "ar_rasad_nertagger.pt"
BUNDLED_PRETRAIN = "ar_rasad_pretrain.pt"
TYPES = ("PER", "LOC", "ORG", "MISC")
# Stanza's official Arabic NER (AQMAR) and ANERcorp spell person as PERS; some sets use
# PERSON.  Everything outside our four types is MISC.
_TYPE_MAP = {"PER": "PER", "PERS": "PER", "PERSON": "PER", "LOC": "LOC", "GPE": "LOC",
             "ORG": "ORG", "MISC": "MISC"}
DEFAULT_BATCH_SIZE = 64
ENGINES = ("direct", "pipeline")
ON_OFF = {"on": True, "true": True, "1": True, "yes": True,
              "off": False, "false": False, "0": False, "no": False}
TRAIN_HINT = "retrain it with `python -m worker.nlp.train` (or `rasad models train`)"


@dataclass(frozen=True)
class ModelFiles:
    """The files one NER model needs."""

    model: Path
    pretrain: Path | None = None
    forward_charlm: Path | None = None
    backward_charlm: Path | None = None
    resources_dir: Path = BUNDLED_DIR


@dataclass
class NerTagger:
    """A loaded NER model.  Use :func:`get_tagger` for the per-process instance.

    ``engine`` is ``direct`` (the trained network run on Rasad's own batches, see
    :mod:`worker.nlp.ner_direct`; the default) or ``pipeline`` (a ``stanza.Pipeline``: the
    official Stanza models, models the direct path does not cover, and RASAD_NER_ENGINE=
    pipeline).  Both give the same tags (tests/test_ner_direct.py)."""

    pipeline: Any
    name: str
    version: str
    files: ModelFiles
    batch_size: int = DEFAULT_BATCH_SIZE
    engine: str = "pipeline"
    direct: Any = None
    crf: Any = None  # worker.nlp.ner_crf.CrfTagger, or None: the tagger alone
    propagate: bool = False  # ner_crf.propagate on each document's tags
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, spec: str = "bundled", *, pretrain: str | None = None,
             threads: int | None = None, batch_size: int | None = None,
             engine: str | None = None, crf: bool | None = None,
             propagate: bool | None = None) -> "NerTagger":
        """Load the model named by ``spec`` from local files; raise ModelError if unusable.
        ``crf``: add the CRF's entities (default ``RASAD_NER_CRF``, on); ``propagate``: tag
        a name's other untagged occurrences nearby (default ``RASAD_NER_PROPAGATE``, on)."""
        files = resolve(spec, pretrain)
        engine = engine or os.environ.get("RASAD_NER_ENGINE") or "direct"
        if engine not in ENGINES:
            raise ModelError(f"RASAD_NER_ENGINE={engine!r}: use one of {', '.join(ENGINES)}.")
        log.info("loading the NER model\u2026 spec=%s model=%s", spec, files.model)
        _set_threads(threads)
        batch = batch_size or int(os.environ.get("RASAD_NER_BATCH_SIZE", DEFAULT_BATCH_SIZE))
        direct, digest, pretrain_data = None, None, None
        if engine == "direct":
            direct, digest, pretrain_data = _load_direct(spec, files)
            engine = "direct" if direct is not None else "pipeline"
        pipeline = None
        if direct is None:
            if spec != "stanza":
                check_files(files)
            pipeline = _build_pipeline(files, spec == "stanza", batch)
        crf_tagger = _load_crf(spec, files, pretrain_data, crf)
        name, version = _identity(spec, files, digest)
        spread = propagate_enabled(propagate)
        log.info("ner model loaded name=%s version=%s engine=%s model=%s crf=%s propagate=%s",
                 name, version, engine, files.model, crf_tagger.model if crf_tagger else "off",
                 spread)
        return cls(pipeline, name, version, files, batch, engine, direct, crf_tagger, spread)

    def tag(self, sentences: list[list[str]]) -> list[list[str]]:
        """BIO tags (types PER/LOC/ORG/MISC) for each token of each sentence of one
        document, in one batched call.  Empty sentences get empty tag lists."""
        return self.tag_documents([sentences])[0]

    def tag_documents(self, documents: list[list[list[str]]]) -> list[list[list[str]]]:
        """:meth:`tag` for several documents (articles) in one batched pass of the network;
        the CRF reads each document apart."""
        forms = [[[model_form(t) for t in s] for s in doc] for doc in documents]
        todo = [words for doc in forms for words in doc if words]
        tagged: list[list[str]] = []
        with self._lock:  # neither a stanza Pipeline, the word caches nor crfsuite is thread-safe
            if todo:
                tagged = [to_bio(tags) for tags in self._tag_forms(todo)]
            extra = [self.crf.tag(doc) for doc in forms] if self.crf is not None and todo \
                else None
        result, k = [], 0
        for d, doc in enumerate(forms):
            tags = []
            for words in doc:
                tags.append(tagged[k] if words else [])
                k += bool(words)
            if extra is not None:
                tags = ner_crf.combine(tags, extra[d])
            result.append(ner_crf.propagate(doc, tags) if self.propagate else tags)
        return result

    def _tag_forms(self, forms: list[list[str]]) -> list[list[str]]:
        """stanza's BIOES tags for non-empty sentences of model forms."""
        if self.direct is not None:
            return self.direct.tag(forms)
        doc = self.pipeline(forms)
        return [[tok.ner for tok in sent.tokens] for sent in doc.sentences]

    def tag_tokens(self, sentences: list[list[Token]]) -> list[list[str]]:
        """:meth:`tag` for :class:`Token` sentences (from :func:`worker.nlp.tokenize.sentences`)."""
        return self.tag([[t.text for t in s] for s in sentences])

    @staticmethod
    def spans(tokens: list[Token], tags: list[str]) -> list[tuple[str, int, int]]:
        """(type, start_char, end_char) for each entity; offsets are the tokens' own, so
        they point into the original text."""
        return spans(tokens, tags)


def spans(tokens: list[Token], tags: list[str]) -> list[tuple[str, int, int]]:
    """Entities of one tagged sentence as (type, start_char, end_char), CoNLL-style: an
    I- tag that does not continue an entity of its type starts a new one."""
    found: list[tuple[str, int, int]] = []
    current: list[Any] | None = None
    for tok, tag in zip(tokens, tags, strict=True):
        prefix, _, typ = tag.partition("-")
        if prefix == "I" and current and current[0] == typ:
            current[2] = tok.end
            continue
        if current:
            found.append(tuple(current))
        current = [typ, tok.start, tok.end] if prefix in {"B", "I"} else None
    if current:
        found.append(tuple(current))
    return found


def to_bio(tags: list[str]) -> list[str]:
    """stanza's BIOES tags to BIO with Rasad's four types."""
    out = []
    for tag in tags:
        prefix, _, typ = (tag or "O").partition("-")
        if prefix not in {"B", "I", "E", "S"} or not typ:
            out.append("O")
            continue
        out.append(("B-" if prefix in {"B", "S"} else "I-") + _TYPE_MAP.get(typ.upper(), "MISC"))
    return out


# ---------------------------------------------------------------------------------------
# Resolving and checking model files

def resolve(spec: str, pretrain: str | None = None) -> ModelFiles:
    """The files for ``spec`` (bundled / stanza / a path)."""
    if spec in ("", "bundled"):
        files = ModelFiles(BUNDLED_DIR / BUNDLED_MODEL, BUNDLED_DIR / BUNDLED_PRETRAIN)
    elif spec == "stanza":
        files = _official_files()
    else:
        files = _path_files(Path(spec).expanduser())
    if pretrain:
        files = ModelFiles(files.model, Path(pretrain), files.forward_charlm,
                           files.backward_charlm, files.resources_dir)
    return files


def _path_files(path: Path) -> ModelFiles:
    if path.is_dir():
        models = sorted(p for p in path.glob("*.pt") if "pretrain" not in p.name
                        and "charlm" not in p.name)
        if len(models) != 1:
            raise ModelError(f"NER model directory {path} should hold exactly one model .pt "
                             f"(besides *pretrain*.pt and *charlm*.pt); found "
                             f"{[p.name for p in models] or 'none'}. Set RASAD_NER_MODEL to "
                             f"the model file itself, or to 'bundled'.")
        model, folder = models[0], path
    else:
        model, folder = path, path.parent
    if not model.is_file():
        raise ModelError(f"NER model file {model} does not exist. Set RASAD_NER_MODEL to "
                         f"'bundled', 'stanza' or an existing model path, or {TRAIN_HINT}.")
    return ModelFiles(model, _one(folder, "*pretrain*.pt"), _one(folder, "*forward_charlm*.pt"),
                      _one(folder, "*backward_charlm*.pt"))


def _one(folder: Path, pattern: str) -> Path | None:
    found = sorted(folder.glob(pattern))
    return found[0] if len(found) == 1 else None


def stanza_resources_dir() -> Path:
    return Path(os.environ.get("STANZA_RESOURCES_DIR") or Path.home() / "stanza_resources")


def _official_files() -> ModelFiles:
    root = stanza_resources_dir()
    ner = sorted((root / "ar" / "ner").glob("*.pt")) if (root / "ar" / "ner").is_dir() else []
    if not (root / "resources.json").is_file() or not ner:
        raise ModelError(f"Official Stanza Arabic NER models are not installed in {root}. "
                         f"Run `rasad models download` on a machine with internet (or copy a "
                         f"stanza_resources directory with ar/ner there and set "
                         f"STANZA_RESOURCES_DIR), or use RASAD_NER_MODEL=bundled.")
    return ModelFiles(ner[0], resources_dir=root)


def check_files(files: ModelFiles) -> None:
    """Raise ModelError unless the model and its pretrain (and charlms) fit together."""
    checkpoint = _read_model(files.model)
    config = checkpoint["config"]
    pretrain = _read_pretrain(files) if _needs_pretrain(config) else None
    check_loaded(files, checkpoint, pretrain)


def check_loaded(files: ModelFiles, checkpoint: dict, pretrain: dict | None) -> None:
    """The checks of :func:`check_files` on a checkpoint and pretrain already read, so a
    model that is about to be used is read once (issue 12: the second read cost 3.4 s)."""
    config, vocab = checkpoint["config"], checkpoint.get("vocab", {})
    if config.get("charlm"):
        for label, path in (("forward", files.forward_charlm), ("backward", files.backward_charlm)):
            if path is None or not path.is_file():
                raise ModelError(f"NER model {files.model} was trained with a character "
                                 f"language model but its {label} charlm file is missing; put "
                                 f"*{label}_charlm.pt beside the model.")
    if _needs_pretrain(config):
        _check_pretrain(files, config, vocab, pretrain)


def _needs_pretrain(config: dict) -> bool:
    return bool(config.get("pretrain", True)) and config.get("word_emb_dim", 0) > 0


def torch_load(source) -> Any:
    """``torch.load`` on CPU that unpickles only what ``weights_only=True`` allows (torch's
    own list of globals: tensors, storages, OrderedDict, ...), with the C unpickler.

    Stanza files hold their vocabularies as pickled lists and dicts (130,000 strings here),
    which torch's pure-Python weights-only unpickler reads in 1.45 s against 0.1 s for the C
    one (issue 12, cold start).  Same safety: a global outside the list is an error."""
    import torch

    module = _restricted_pickle()
    forced = os.environ.get("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in ("1", "y", "yes",
                                                                               "true")
    if module is None or forced:  # torch's own (slower) weights-only loader
        return torch.load(source, map_location="cpu", weights_only=True)
    return torch.load(source, map_location="cpu", weights_only=False, pickle_module=module)


@functools.lru_cache(maxsize=1)
def _restricted_pickle():
    """A pickle module whose Unpickler resolves only torch's weights-only globals."""
    import pickle
    import types

    try:
        from torch._weights_only_unpickler import _get_allowed_globals

        allowed = dict(_get_allowed_globals())
    except (ImportError, AttributeError):
        return None

    class Unpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            found = allowed.get(f"{module}.{name}")
            if found is None:
                raise pickle.UnpicklingError(f"global {module}.{name} is not allowed in a "
                                             f"model file (torch weights_only rules)")
            return found

    def load(file, **kwargs):
        return Unpickler(file, **kwargs).load()

    return types.SimpleNamespace(Unpickler=Unpickler, load=load, __name__="rasad_pickle")


def _read_model(model: Path, raw: bytes | None = None) -> dict:
    """The checkpoint of a stanza NER model (``raw``: its bytes, when already read)."""
    import io

    if not model.is_file():
        raise ModelError(f"NER model file {model} is missing; {TRAIN_HINT}, or set "
                         f"RASAD_NER_MODEL to another model.")
    try:
        checkpoint = torch_load(io.BytesIO(raw) if raw is not None else model)
        checkpoint["config"], checkpoint["model"]  # noqa: B018 - both must be there
        return checkpoint
    except Exception as err:  # noqa: BLE001 - any unreadable file is the same user error
        raise ModelError(f"NER model file {model} is not a readable stanza NER model "
                         f"({type(err).__name__}: {err}); {TRAIN_HINT}.") from err


def _read_pretrain(files: ModelFiles) -> dict:
    if files.pretrain is None or not files.pretrain.is_file():
        raise ModelError(f"NER model {files.model} was trained with word vectors but its "
                         f"pretrain file {files.pretrain or '(*pretrain*.pt beside it)'} is "
                         f"missing; without it stanza would tag with random vectors. Restore "
                         f"the pretrain file shipped with the model, or {TRAIN_HINT}.")
    try:
        data = torch_load(files.pretrain)
        data["emb"].shape, data["vocab"]["_id2unit"]  # noqa: B018 - both must be there
        return data
    except Exception as err:  # noqa: BLE001
        raise ModelError(f"pretrain file {files.pretrain} is not a readable stanza pretrain "
                         f"({type(err).__name__}: {err}).") from err


def _check_pretrain(files: ModelFiles, config: dict, vocab: dict, data: dict | None) -> None:
    if data is None:
        data = _read_pretrain(files)
    emb, words = data["emb"], data["vocab"]["_id2unit"]
    dim, size = int(emb.shape[1]), int(emb.shape[0])
    expected = _expected_pretrain(vocab)
    problems = []
    if dim != config.get("word_emb_dim"):
        problems.append(f"dimension {dim} != model's {config.get('word_emb_dim')}")
    if expected["size"] is not None and size != expected["size"]:
        problems.append(f"{size} words != model's {expected['size']}")
    if expected["head"] and list(words[: len(expected["head"])]) != expected["head"]:
        problems.append("a different vocabulary")
    if problems:
        raise ModelError(f"pretrain file {files.pretrain} does not belong to NER model "
                         f"{files.model}: {'; '.join(problems)}. Use the pretrain file the "
                         f"model was trained with, or {TRAIN_HINT}.")


def _expected_pretrain(vocab: dict) -> dict:
    """What the model recorded about its pretrain: vocabulary size and first words."""
    word = vocab.get("word") or {}
    units = word.get("_id2unit") if isinstance(word, dict) else None
    return {"size": len(units) if units else None, "head": list(units[:50]) if units else []}


# ---------------------------------------------------------------------------------------
# Building the pipeline

def _load_direct(spec: str, files: ModelFiles):
    """(DirectNER, model digest, pretrain) from one read of each file, or Nones when the
    model needs the Pipeline (the official models; a model with character language models
    or a transformer), which the log says."""
    if spec == "stanza":
        log.info("ner: the official Stanza models run through the stanza Pipeline "
                 "(their pretrain and character language models are resolved by stanza)")
        return None, None, None
    from worker.nlp import ner_direct

    raw = files.model.read_bytes() if files.model.is_file() else None
    checkpoint = _read_model(files.model, raw)
    reason = ner_direct.unsupported_reason(checkpoint["config"], checkpoint["model"].keys())
    if reason:
        log.info("ner: model %s runs through the stanza Pipeline: %s", files.model, reason)
        return None, None, None
    pretrain = _read_pretrain(files) if _needs_pretrain(checkpoint["config"]) else None
    check_loaded(files, checkpoint, pretrain)
    try:
        direct = ner_direct.DirectNER(checkpoint, pretrain["emb"] if pretrain else None)
    except (ValueError, AssertionError, KeyError, RuntimeError) as err:
        raise ModelError(f"stanza could not load NER model {files.model}: "
                         f"{type(err).__name__}: {err}") from err
    return direct, hashlib.sha256(raw).hexdigest()[:12], pretrain


def crf_enabled(crf: bool | None = None) -> bool:
    """``crf``, else ``RASAD_NER_CRF`` (on/off; default on)."""
    return _switch("RASAD_NER_CRF", crf)


def propagate_enabled(propagate: bool | None = None) -> bool:
    """``propagate``, else ``RASAD_NER_PROPAGATE`` (on/off; default on)."""
    return _switch("RASAD_NER_PROPAGATE", propagate)


def _switch(variable: str, value: bool | None, default: str = "on") -> bool:
    if value is not None:
        return value
    raw = os.environ.get(variable, default).strip().lower()
    if raw not in ON_OFF:
        raise ModelError(f"{variable}={raw!r}: use on or off.")
    return ON_OFF[raw]


def _load_crf(spec: str, files: ModelFiles, pretrain: dict | None, crf: bool | None):
    """The CRF beside the model (issue 9), or None: switched off, the official models, or a
    model given by path without CRF files.  The bundled model's CRF must be there."""
    if not crf_enabled(crf) or spec == "stanza":
        return None
    folder = files.model.parent
    present = (folder / ner_crf.MODEL_NAME).is_file() or (folder / ner_crf.LEXICON_NAME).is_file()
    if spec not in ("", "bundled") and not present:
        log.info("ner: no CRF beside %s: the tagger alone", files.model)
        return None
    crf_tagger = ner_crf.CrfTagger.load(folder, pretrain, files.pretrain)
    log.info("ner: CRF %s adds the entities the tagger misses", crf_tagger.model)
    return crf_tagger


def _set_threads(threads: int | None) -> None:
    import torch

    n = threads or int(os.environ.get("RASAD_NER_THREADS", "1"))
    torch.set_num_threads(max(1, n))


def _build_pipeline(files: ModelFiles, official: bool, batch_size: int):
    import stanza

    kwargs: dict[str, Any] = {
        "lang": "ar", "dir": str(files.resources_dir), "processors": "tokenize,ner",
        "tokenize_pretokenized": True, "download_method": None, "use_gpu": False,
        "logging_level": "WARN", "ner_batch_size": batch_size,
    }
    if not official:
        kwargs.update(ner_model_path=str(files.model))
        if files.pretrain:
            kwargs["ner_pretrain_path"] = str(files.pretrain)
        if files.forward_charlm and files.backward_charlm:
            kwargs["ner_forward_charlm_path"] = str(files.forward_charlm)
            kwargs["ner_backward_charlm_path"] = str(files.backward_charlm)
        if not (files.resources_dir / "resources.json").is_file():
            raise ModelError(f"{files.resources_dir}/resources.json is missing; it ships with "
                             f"Rasad (one line: {{\"ar\": {{\"lang_name\": \"Arabic\"}}}}).")
    try:
        return stanza.Pipeline(**kwargs)
    except Exception as err:  # noqa: BLE001 - stanza raises many kinds for bad files
        raise ModelError(f"stanza could not load NER model {files.model}: "
                         f"{type(err).__name__}: {err}") from err


def _identity(spec: str, files: ModelFiles, digest: str | None = None) -> tuple[str, str]:
    digest = digest or hashlib.sha256(files.model.read_bytes()).hexdigest()[:12]
    if spec in ("", "bundled"):
        return "rasad-ar-anercorp", digest
    if spec == "stanza":
        return "stanza-ar-" + files.model.stem, digest
    return files.model.stem, digest


# ---------------------------------------------------------------------------------------
# One model per process

_CACHE: dict[str, NerTagger] = {}
_CACHE_LOCK = threading.Lock()


def get_tagger(spec: str | None = None, *, threads: int | None = None) -> NerTagger:
    """The process's tagger for ``spec`` (default ``RASAD_NER_MODEL`` or ``bundled``),
    loaded on first use with ``threads`` torch threads (default ``RASAD_NER_THREADS`` or 1).
    Load it before forking to share its pages between children."""
    spec = spec or os.environ.get("RASAD_NER_MODEL") or "bundled"
    with _CACHE_LOCK:
        if spec not in _CACHE:
            _CACHE[spec] = NerTagger.load(spec, threads=threads)
        return _CACHE[spec]


# ---------------------------------------------------------------------------------------
# Official models

def download_official(dest: str | Path | None = None, *, timeout_seconds: float = 5.0) -> Path:
    """Fetch the official Stanza Arabic NER models into ``dest`` (for ``rasad models
    download``).  Checks that the model host answers first, so an offline machine gets a
    clear ModelError in seconds instead of stanza's long retries."""
    import stanza
    from stanza.resources.common import DEFAULT_RESOURCES_URL

    root = Path(dest) if dest else stanza_resources_dir()
    _check_reachable(DEFAULT_RESOURCES_URL, timeout_seconds)
    try:
        stanza.download("ar", model_dir=str(root), processors="tokenize,ner",
                        logging_level="INFO")
    except Exception as err:  # noqa: BLE001
        raise ModelError(f"downloading the official Stanza Arabic models into {root} failed: "
                         f"{type(err).__name__}: {err}") from err
    return root


def _check_reachable(url: str, timeout_seconds: float) -> None:
    import httpx

    try:
        httpx.head(url, timeout=timeout_seconds, follow_redirects=True)
    except httpx.HTTPError as err:
        raise ModelError(f"cannot reach {url} to download the official Stanza Arabic models "
                         f"({type(err).__name__}: {err}). Run `rasad models download` where "
                         f"there is internet and copy the stanza_resources directory here "
                         f"(STANZA_RESOURCES_DIR), or keep RASAD_NER_MODEL=bundled, which needs "
                         f"no download.") from err


def model_label(spec: str | None = None) -> str:
    """``name@version`` of the model ``spec`` selects, without loading it (for the
    rasad_build_info metric), with ``+crf@version`` when its CRF is on; the spec itself when
    its files cannot be resolved."""
    spec = spec or os.environ.get("RASAD_NER_MODEL") or "bundled"
    if spec == "none":
        return "none"
    try:
        files = resolve(spec)
        name, version = _identity(spec, files)
        crf = files.model.parent / ner_crf.MODEL_NAME
        if spec != "stanza" and crf_enabled() and crf.is_file():
            version += "+crf@" + hashlib.sha256(crf.read_bytes()).hexdigest()[:12]
    except (ModelError, OSError):
        return spec
    return f"{name}@{version}"
