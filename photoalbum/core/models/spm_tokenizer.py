"""A compact SentencePiece copy of a Unigram `tokenizers` JSON, used at run time to save memory.

`tokenizers` keeps a Unigram vocabulary in a byte trie with a hash map per node: XLM-R's 250k
pieces take ~210 MB of RSS that way, SentencePiece's double-array trie ~50 MB (measured, same
file). The copy is written only when it reproduces the JSON tokenizer's ids exactly on a check
set (see :func:`write_copy`); otherwise the JSON tokenizer is used as before.
"""

from __future__ import annotations

import json
import logging
import random
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from photoalbum.core.durable import replacing_all

logger = logging.getLogger(__name__)

SPM_FILE = "tokenizer.spm"
SPM_INFO = "tokenizer.spm.json"
_SPACES = " {2,}"


def spm_paths(tokenizer_json: Path) -> tuple[Path, Path]:
    """(model file, info file) of the copy that belongs to tokenizer_json."""
    return tokenizer_json.with_name(SPM_FILE), tokenizer_json.with_name(SPM_INFO)


class SpmTokenizer:
    """Encodes cleaned texts to ids like the JSON tokenizer it was made from (no padding)."""

    def __init__(self, model_file: Path, info: dict[str, Any], max_length: int) -> None:
        import sentencepiece as spm

        self._sp = spm.SentencePieceProcessor(model_file=str(model_file))
        self._nfkc = bool(info["nfkc"])
        self._prefix = [int(i) for i in info["prefix"]]
        self._suffix = [int(i) for i in info["suffix"]]
        self._room = max(0, max_length - len(self._prefix) - len(self._suffix))

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """Ids per text, with the special tokens, truncated to max_length."""
        if self._nfkc:
            texts = [unicodedata.normalize("NFKC", t) for t in texts]
        # One call per text: a list makes SentencePiece start a thread pool per call (0.25 ms
        # alone, 7 ms a query beside ONNX Runtime's spinning threads; a text takes ~5 µs).
        encode = self._sp.encode
        return [self._prefix + encode(t)[: self._room] + self._suffix for t in texts]


def load_copy(tokenizer_json: Path, max_length: int) -> SpmTokenizer | None:
    """The SentencePiece copy of tokenizer_json, or None when there is none (or it can't load)."""
    model_file, info_file = spm_paths(tokenizer_json)
    if not (model_file.is_file() and info_file.is_file()):
        return None
    try:
        return SpmTokenizer(model_file, json.loads(info_file.read_text()), max_length)
    except (ImportError, OSError, ValueError, KeyError, RuntimeError) as exc:
        logger.warning("not using the compact tokenizer %s (%s)", model_file, exc)
        return None


def _plan(spec: dict[str, Any]) -> dict[str, Any] | None:
    """What the copy needs from a tokenizer.json, or None when its pipeline isn't one we map."""
    model = spec.get("model") or {}
    if model.get("type") != "Unigram" or model.get("byte_fallback"):
        return None
    nfkc, charsmap = False, None
    norms = spec.get("normalizer")
    parts = norms.get("normalizers", []) if norms and norms.get("type") == "Sequence" else [norms]
    for n in parts:
        if n is None:
            continue
        kind = n.get("type")
        if kind == "NFKC" and charsmap is None:
            nfkc = True
        elif kind == "Precompiled" and not nfkc and charsmap is None:
            charsmap = n.get("precompiled_charsmap")
        elif (
            kind == "Replace"
            and n.get("pattern", {}).get("Regex") == _SPACES
            and n.get("content") == " "
        ):
            pass  # SentencePiece's remove_extra_whitespaces does this
        else:
            return None
    pre = spec.get("pre_tokenizer") or {}
    if pre.get("type") != "Metaspace" or pre.get("replacement") != "▁":
        return None
    if (
        pre.get("prepend_scheme", "always" if pre.get("add_prefix_space", True) else "never")
        != "always"
    ):
        return None
    vocab = model["vocab"]
    index = {p: i for i, (p, _) in enumerate(vocab)}
    post = spec.get("post_processor") or {}
    if post.get("type") == "TemplateProcessing":
        single = post.get("single", [])
        if [next(iter(s)) for s in single] != ["SpecialToken", "Sequence", "SpecialToken"]:
            return None
        specials = post.get("special_tokens", {})
        prefix = specials[single[0]["SpecialToken"]["id"]]["ids"]
        suffix = specials[single[2]["SpecialToken"]["id"]]["ids"]
    elif post.get("type") == "RobertaProcessing":
        prefix, suffix = [post["cls"][1]], [post["sep"][1]]
    else:
        return None
    specials = {a["content"] for a in spec.get("added_tokens", []) if a.get("special")}
    return {
        "vocab": vocab,
        "index": index,
        "unk": model.get("unk_id"),
        "nfkc": nfkc,
        "charsmap": charsmap,
        "prefix": prefix,
        "suffix": suffix,
        "specials": specials,
    }


def _model_proto(plan: dict[str, Any]) -> bytes:
    import base64

    from sentencepiece import sentencepiece_model_pb2 as pb

    proto = pb.ModelProto()
    piece_type = pb.ModelProto.SentencePiece
    for i, (piece, score) in enumerate(plan["vocab"]):
        p = proto.pieces.add()
        p.piece, p.score = piece, float(score)
        if i == plan["unk"]:
            p.type = piece_type.UNKNOWN
        elif piece in plan["specials"]:
            p.type = piece_type.CONTROL
        else:
            p.type = piece_type.NORMAL
    trainer = proto.trainer_spec
    trainer.model_type = pb.TrainerSpec.UNIGRAM
    trainer.vocab_size = len(plan["vocab"])
    trainer.unk_id = plan["unk"] if plan["unk"] is not None else 0
    trainer.bos_id = trainer.eos_id = trainer.pad_id = -1
    norm = proto.normalizer_spec
    norm.add_dummy_prefix = True
    norm.remove_extra_whitespaces = True
    norm.escape_whitespaces = True
    if plan["charsmap"]:
        norm.name = "nmt_nfkc"
        norm.precompiled_charsmap = base64.b64decode(plan["charsmap"])
    else:
        norm.name = "identity"
    return proto.SerializeToString()


def check_strings(
    vocab: Sequence[Any], extra: Iterable[str] = (), count: int = 300, skip: Iterable[str] = ()
) -> list[str]:
    """Strings the copy must encode exactly like the original: extra + random vocabulary words.

    skip: the special tokens' texts. A query that spells one out ("</s>") gets the special id
    from `tokenizers` but plain pieces from the copy — the one known difference, harmless for
    searching photos, so such strings are not part of the check.
    """
    rnd = random.Random(0)
    skip = set(skip)
    words = [str(p).replace("▁", "") for p, _ in vocab[: min(len(vocab), 200_000)] if p not in skip]
    out = list(extra)
    out += ["", " ", "  two  spaces ", "tab\there", "ÅÉÎ ñ ß", "１２３ ＡＢＣ", "😀 🐶🏖️", "a" * 300]
    for _ in range(count):
        out.append(" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 8))))
    return out


def write_copy(
    tokenizer_json: Path,
    max_length: int,
    clean: Callable[[str], str],
    extra_checks: Iterable[str] = (),
) -> dict[str, Any]:
    """Write the SentencePiece copy next to tokenizer_json if it encodes exactly alike.

    clean: the run-time clean-up applied to every query before tokenising (the copy only ever
    sees cleaned text, so that is what is compared). Returns a record for the manifest:
    {"used": bool, "reason" or "checked": n}.
    """
    model_file, info_file = spm_paths(tokenizer_json)
    try:
        import sentencepiece  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError as exc:
        return {"used": False, "reason": f"not available: {exc.name}"}
    spec = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    plan = _plan(spec)
    if plan is None:
        return {"used": False, "reason": "tokenizer pipeline not mapped to SentencePiece"}
    try:
        blob = _model_proto(plan)
    except ImportError as exc:  # the proto module needs protobuf
        return {"used": False, "reason": f"not available: {exc.name}"}
    info = {"nfkc": plan["nfkc"], "prefix": plan["prefix"], "suffix": plan["suffix"]}
    try:
        with replacing_all(model_file, info_file) as (tmp, tmp_info):
            tmp.write_bytes(blob)
            checked = _check_copy(tmp, info, tokenizer_json, plan, max_length, clean, extra_checks)
            tmp_info.write_text(json.dumps(info))
    except _Refused as exc:  # the temp files are gone; an older copy stays as it was
        return {"used": False, "reason": str(exc)}
    return {"used": True, "checked": checked}


class _Refused(Exception):
    """The SentencePiece copy is not used (the message says why)."""


def _check_copy(
    tmp: Path,
    info: dict[str, Any],
    tokenizer_json: Path,
    plan: dict[str, Any],
    max_length: int,
    clean: Callable[[str], str],
    extra_checks: Iterable[str],
) -> int:
    """How many check strings the copy at ``tmp`` encodes like the original (all of them), or
    :class:`_Refused`."""
    from tokenizers import Tokenizer

    try:
        copy = SpmTokenizer(tmp, info, max_length)
    except (OSError, RuntimeError) as exc:
        raise _Refused(f"SentencePiece refused the copy: {exc}") from None
    original = Tokenizer.from_file(str(tokenizer_json))
    original.no_padding()
    original.enable_truncation(max_length=max_length)
    strings = [clean(t) for t in check_strings(plan["vocab"], extra_checks, skip=plan["specials"])]
    want = [e.ids for e in original.encode_batch(strings)]
    got = copy.encode_batch(strings)
    bad = [s for s, a, b in zip(strings, want, got, strict=True) if a != b]
    if bad:
        logger.info(
            "compact tokenizer differs on %d of %d strings, e.g. %r", len(bad), len(strings), bad[0]
        )
        raise _Refused(f"differs on {len(bad)} of {len(strings)} check strings")
    return len(strings)
