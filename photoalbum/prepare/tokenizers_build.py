"""Query tokenizers saved as `tokenizers` JSON: CLIP BPE, hub XLM-R, and synthetic ones for tests."""

from __future__ import annotations

import gzip
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tokenizers import (
    AddedToken,
    Regex,
    Tokenizer,
    decoders,
    models,
    normalizers,
    pre_tokenizers,
    processors,
)

from photoalbum.core.errors import BugError, OfflineError
from photoalbum.core.models.tokenizer import TextTokenizer

logger = logging.getLogger(__name__)

CLIP_SOT = "<start_of_text>"
CLIP_EOT = "<end_of_text>"
# open_clip SimpleTokenizer's pattern (applied after lower-casing, so IGNORECASE is moot).
CLIP_PATTERN = (
    r"<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
)

#: Strings every built tokenizer is checked on: English, punctuation, Chinese, emoji, HTML,
#: curly quotes, full-width forms, whitespace runs, numbers, a query longer than the context.
CHECK_STRINGS: tuple[str, ...] = (
    "a photo of a dog",
    "A Photo Of A DOG on the BEACH!!",
    "sunset over the sea, with boats; at 7:30pm (2019)",
    "it's the cat's toy—isn't it?",
    "“curly quotes” and ‘single ones’",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
    "rock &amp; roll &lt;3",
    "tabs\tand\nnewlines   and    spaces",
    "一只在海滩上的狗",
    "北京的雪景，夜晚。",
    "生日蛋糕🎂和蜡烛🕯️",
    "🐶🐱👨‍👩‍👧‍👦 family",
    "café naïve résumé Straße",
    "Ελληνικά кириллица العربية हिन्दी 日本語のテキスト 한국어",
    "3.14159 and 1,000,000 and 42nd street",
    "",
    "   ",
    "<start_of_text> not special here?",
    "x" * 300,
    " ".join(["many words in a very long query"] * 20),
)

#: Small built-in corpus for the tiny test tokenizer (English and Chinese photo captions).
TINY_CORPUS: tuple[str, ...] = (
    "a photo of a dog on the beach",
    "a cat sleeping on a sofa",
    "sunset over the mountains with clouds",
    "a birthday cake with candles",
    "children playing in the park",
    "a red car parked on the street at night",
    "snow covered trees in winter",
    "a bowl of noodles and dumplings",
    "people walking in the city",
    "flowers in a garden in spring",
    "一只在海滩上的狗",
    "沙发上睡觉的猫",
    "山上的日落和云",
    "生日蛋糕和蜡烛",
    "在公园里玩耍的孩子们",
    "晚上停在街上的红色汽车",
    "冬天被雪覆盖的树",
    "一碗面条和饺子",
    "城市里走路的人",
    "春天花园里的花",
    "北京的雪景，夜晚。",
    "上海外滩的夜景",
    "family dinner at home with grandparents",
    "a boat on the lake in the morning",
    "mountains, lakes and rivers; forests and fields",
)


# --- CLIP BPE ---------------------------------------------------------------------------------
def _bytes_to_unicode() -> dict[int, str]:
    bs = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs], strict=True))


def _merge_pair(line: str) -> tuple[str, str]:
    """One line of the merges file: the two symbols it joins."""
    a, b = line.split()
    return a, b


def default_clip_bpe_path() -> Path:
    """open_clip's bundled BPE merges file."""
    import open_clip

    return Path(open_clip.__file__).parent / "bpe_simple_vocab_16e6.txt.gz"


def build_clip_tokenizer(context_length: int = 77, bpe_path: Path | None = None) -> Tokenizer:
    """A `tokenizers` BPE equivalent to open_clip's SimpleTokenizer (same vocabulary and ids).

    The text clean-up (ftfy, HTML unescape, whitespace, lower case) is done by the run-time
    :func:`photoalbum.core.models.tokenizer.clean_text`; the normaliser below repeats the parts
    `tokenizers` can express so the JSON alone also behaves for ordinary text.
    """
    path = bpe_path or default_clip_bpe_path()
    with gzip.open(path) as f:
        lines = f.read().decode("utf-8").split("\n")
    merges = [_merge_pair(m) for m in lines[1 : 49152 - 256 - 2 + 1]]
    byte_chars = list(_bytes_to_unicode().values())
    vocab_list = byte_chars + [c + "</w>" for c in byte_chars] + ["".join(m) for m in merges]
    vocab_list += [CLIP_SOT, CLIP_EOT]
    vocab = {tok: i for i, tok in enumerate(vocab_list)}
    if len(vocab) != len(vocab_list):
        raise BugError("duplicate entries in the CLIP BPE vocabulary")
    tok = Tokenizer(
        models.BPE(
            vocab=vocab,
            merges=merges,
            end_of_word_suffix="</w>",
            continuing_subword_prefix="",
            fuse_unk=False,
        )
    )
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.NFC(),
            normalizers.Replace(Regex(r"\s+"), " "),
            normalizers.Strip(),
            normalizers.Lowercase(),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(CLIP_PATTERN), behavior="removed", invert=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.add_special_tokens([AddedToken(CLIP_SOT, special=True), AddedToken(CLIP_EOT, special=True)])
    tok.post_processor = processors.TemplateProcessing(
        single=f"{CLIP_SOT} $A {CLIP_EOT}",
        special_tokens=[(CLIP_SOT, vocab[CLIP_SOT]), (CLIP_EOT, vocab[CLIP_EOT])],
    )
    tok.decoder = decoders.Sequence([decoders.ByteLevel(), decoders.Replace("</w>", " ")])
    tok.enable_truncation(max_length=context_length)
    return tok


def check_against(
    path: Path,
    reference_ids: Sequence[Sequence[int]],
    context_length: int,
    pad_id: int,
    clean: str,
    strings: Sequence[str] = CHECK_STRINGS,
) -> dict[str, object]:
    """Compare the saved tokenizer (with the run-time clean-up) to reference ids, per string.

    reference_ids are the reference tokenizer's ids for strings, padded to context_length.
    Raises BugError on any mismatch: the runtime would embed queries differently.
    """
    tok = TextTokenizer(path, context_length, pad_id, clean=clean, dynamic_length=False)
    ours, _ = tok.encode(list(strings))
    bad = [
        s
        for s, a, b in zip(strings, ours.tolist(), reference_ids, strict=True)
        if list(a) != list(b)
    ]
    if bad:
        raise BugError(
            f"tokenizer differs from the reference on {len(bad)} of {len(strings)} "
            f"strings, e.g. {bad[0]!r}"
        )
    return {"strings": len(strings), "mismatches": 0}


# --- XLM-R and friends --------------------------------------------------------------------------
def fetch_hub_tokenizer(repo: str, downloads_dir: Path, out_path: Path) -> None:
    """Copy the hub repo's ``tokenizer.json`` (cached under downloads_dir) to out_path."""
    from huggingface_hub import hf_hub_download

    from photoalbum.prepare.download import is_missing_on_hub

    try:
        cached = hf_hub_download(
            repo_id=repo, filename="tokenizer.json", cache_dir=str(downloads_dir / "hub")
        )
    except Exception as exc:  # connection errors come in many types (httpx, OSError, hub's own)
        if is_missing_on_hub(exc):
            raise OfflineError(f"the hub repo {repo!r} has no tokenizer.json ({exc})") from exc
        raise OfflineError(
            f"could not download the tokenizer of {repo!r} from huggingface.co "
            f"({type(exc).__name__}: {exc}). Check the internet connection and prepare again. "
            f"Without a network: prepare the model on a machine that has one and copy the "
            f"prepared model folder into the models directory."
        ) from exc
    shutil.copyfile(cached, out_path)


def hf_pad_id(tok: Tokenizer) -> int:
    """The tokenizer's "<pad>" id (XLM-R: 1)."""
    pad = tok.token_to_id("<pad>")
    if pad is None:
        raise BugError("tokenizer has no <pad> token")
    return int(pad)


def _xlmr_shell(model: models.Model) -> Tokenizer:
    tok = Tokenizer(model)
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.NFKC(),
            normalizers.Replace(Regex(r" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    return tok


def _xlmr_post(tok: Tokenizer, context_length: int) -> Tokenizer:
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        special_tokens=[("<s>", tok.token_to_id("<s>")), ("</s>", tok.token_to_id("</s>"))],
    )
    tok.enable_truncation(max_length=context_length)
    return tok


XLMR_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]  # ids 0..3 as in XLM-R


def train_tiny_tokenizer(vocab_size: int = 1000, context_length: int = 77) -> Tokenizer:
    """A small XLM-R-style Unigram tokenizer learnt from :data:`TINY_CORPUS` (tests only).

    Pieces are every character plus the most frequent word substrings, scored by log
    frequency. Counted in plain Python, so every process builds the same file (the `tokenizers`
    Unigram trainer is multi-threaded and its scores vary between runs).
    """
    counts: dict[str, int] = {}
    for line in TINY_CORPUS:
        for word in line.split():
            word = "▁" + word
            for i in range(len(word)):
                for j in range(i + 1, min(len(word), i + 8) + 1):
                    counts[word[i:j]] = counts.get(word[i:j], 0) + 1
    chars = sorted({p for p in counts if len(p) == 1} | set("▁abcdefghijklmnopqrstuvwxyz"))
    longer = sorted((p for p in counts if len(p) > 1), key=lambda p: (-counts[p] * len(p), p))
    budget = max(0, vocab_size - len(XLMR_SPECIALS) - len(chars))
    total = float(sum(counts.values()))
    pieces = [(c, float(np.log((counts.get(c, 0) + 1) / total))) for c in chars]
    pieces += [(p, float(np.log(counts[p] / total))) for p in longer[:budget]]
    vocab = [(sp, 0.0) for sp in XLMR_SPECIALS] + pieces
    tok = _xlmr_shell(models.Unigram(vocab, unk_id=3, byte_fallback=False))
    tok.add_special_tokens([AddedToken(sp, special=True) for sp in XLMR_SPECIALS])
    return _xlmr_post(tok, context_length)


def synthetic_unigram(vocab_size: int, context_length: int = 77, seed: int = 0) -> Tokenizer:
    """A random XLM-R-style Unigram tokenizer with vocab_size pieces (random models only).

    Its pieces mix Latin, Cyrillic, CJK and kana, words and sub-words, so tokenising costs about
    what a real multilingual vocabulary costs; the ids mean nothing.
    """
    rng = np.random.default_rng(seed)
    chars = (
        ["▁"]
        + [chr(c) for c in range(ord("a"), ord("z") + 1)]
        + [chr(c) for c in range(ord("0"), ord("9") + 1)]
        + list(".,!?;:'\"()-&%/")
        + [chr(c) for c in range(0x00E0, 0x0100)]
        + [chr(c) for c in range(0x0430, 0x0450)]
        + [chr(c) for c in range(0x3041, 0x3097)]
        + [chr(c) for c in range(0x4E00, 0x9FA6)]
    )
    target = vocab_size - len(XLMR_SPECIALS)
    pieces: dict[str, float] = {}
    for c in chars:  # most useful first, so a small vocabulary still covers Latin text
        if len(pieces) >= target:
            break
        pieces.setdefault(c, -12.0)
        pieces.setdefault("▁" + c, -11.0)
    latin = np.array([chr(c) for c in range(ord("a"), ord("z") + 1)])
    cjk = np.array([chr(c) for c in range(0x4E00, 0x4E00 + 3000)])
    while len(pieces) < target:
        n = min(65536, 2 * (target - len(pieces)))
        lengths = rng.integers(2, 9, size=n)
        use_cjk = rng.random(n) < 0.25
        prefix = rng.random(n) < 0.5
        for length, is_cjk, pre in zip(lengths, use_cjk, prefix, strict=True):
            alphabet = cjk if is_cjk else latin
            piece = "".join(rng.choice(alphabet, size=int(length) if not is_cjk else 2))
            piece = ("▁" + piece) if pre else piece
            if piece not in pieces:
                pieces[piece] = -float(rng.uniform(5.0, 11.0))
                if len(pieces) >= target:
                    break
    vocab = [(s, 0.0) for s in XLMR_SPECIALS] + list(pieces.items())[:target]
    tok = _xlmr_shell(models.Unigram(vocab, unk_id=3, byte_fallback=False))
    tok.add_special_tokens([AddedToken(s, special=True) for s in XLMR_SPECIALS])
    return _xlmr_post(tok, context_length)
