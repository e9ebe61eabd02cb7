"""PP-OCR's ONNX models with their per-layer scalar arithmetic folded away, made once and cached.

rapidocr's PP-OCRv4 detector and recogniser (PPLCNetV3) follow every convolution with a chain
of element-wise nodes as exported from Paddle: a learnable scale and shift (``Mul``, ``Add`` by
scalars), hardswish spelt as ``Add 3, Clip 0..6, Mul, Div 6``, and another scale and shift. ONNX
Runtime fuses none of them, and each is a full pass over the activations: on a 48 px line crop
they were half the recogniser's time (profiled: Conv 47 %, Mul/Add/Clip/Div 38 %, layout
reorders between them 10 %). Here they become

* a scale and shift right after a convolution: folded into its weights and bias (exact);
* hardswish: ``Mul(x, HardSigmoid(x))`` (``HardSigmoid(x) = clip(x/6 + 1/2, 0, 1)``: the same
  function, and an operator of the models' opset, 12, unlike ``HardSwish``);
* a scale and shift right before convolutions: the scale into their weights; the shift into
  their bias when the convolution pads nothing, else kept as one ``Add`` (zero padding must
  stay zero).

The results differ from the original only by float rounding. The rewritten copy is written
once to a cache folder and read from there; anything failing (no onnx, an unexpected graph, an
unwritable or corrupt cache) falls back to rapidocr's own file, never to no OCR.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

#: Bumped whenever the rewrite changes: a cached copy from another version is made again.
REWRITE_VERSION = 1


def folded_model_path(source: str | os.PathLike[str], cache_dir: Path | None) -> str:
    """The path of ``source``'s folded copy in ``cache_dir`` (made now when missing), or
    ``source`` itself when there is no cache folder or the copy cannot be made or read."""
    src = Path(source)
    if cache_dir is None:
        return str(src)
    try:
        stat = src.stat()
        key = hashlib.sha256(
            f"{REWRITE_VERSION}:{src.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()
        ).hexdigest()[:16]
        target = cache_dir / f"{src.stem}.folded-{key}.onnx"
        if not target.is_file():
            _write_folded(src, target)
        return str(target)
    except Exception:  # any failure: the original model still reads text (more slowly)
        logger.warning("OCR model %s: using it as shipped (no folded copy)", src, exc_info=True)
        return str(src)


def discard(path: str) -> None:
    """Delete a cached copy found unreadable (it is made again on next need); never raises."""
    try:
        Path(path).unlink(missing_ok=True)
    except OSError:
        logger.warning("cannot delete the unreadable OCR model copy %s", path)


def _write_folded(src: Path, target: Path) -> None:
    """Write ``src`` folded to ``target`` atomically (a reader never sees half a file)."""
    import onnx

    model = onnx.load(str(src))
    changes = fold_model(model)
    if not any(changes.values()):
        raise ValueError("no foldable pattern: not the PP-OCR graph this expects")
    onnx.checker.check_model(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(model.SerializeToString())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    logger.info("OCR model %s folded (%s) into %s", src.name, changes, target)


def fold_model(model: Any) -> dict[str, int]:
    """Rewrite ``model`` (an ``onnx.ModelProto``) in place; returns what was folded, by rule."""
    g = _Graph(model)
    done = {
        "scale_shift_into_conv": g.fold_after_convs(),
        "hardswish": g.hardswish(),
        "scale_shift_into_next_conv": g.fold_before_convs(),
    }
    g.write()
    return done


class _Graph:
    """A model's nodes and constants, rewritten as lists and written back once."""

    def __init__(self, model: Any) -> None:
        from onnx import numpy_helper

        self.model = model
        self.nodes = list(model.graph.node)
        self.consts: dict[str, np.ndarray] = {}
        for n in self.nodes:
            if n.op_type == "Constant" and len(n.attribute) == 1 and n.attribute[0].name == "value":
                self.consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
        for t in model.graph.initializer:
            self.consts[t.name] = numpy_helper.to_array(t)
        self.new: dict[str, np.ndarray] = {}
        self.outputs = {o.name for o in model.graph.output}

    def _consumers(self) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = defaultdict(list)
        for n in self.nodes:
            for i in n.input:
                out[i].append(n)
        return out

    def _only(self, consumers: dict[str, list[Any]], name: str, op: str) -> Any:
        """The single consumer of ``name`` when it is an ``op`` node (and ``name`` no graph
        output), else None."""
        users = consumers.get(name, [])
        if name in self.outputs or len(users) != 1 or users[0].op_type != op:
            return None
        return users[0]

    def _scalar(self, node: Any, x: str) -> float | None:
        """The constant scalar a binary ``node`` combines with ``x``, or None."""
        if len(node.input) != 2 or x not in node.input:
            return None
        other = node.input[1] if node.input[0] == x else node.input[0]
        v = self.consts.get(other)
        if v is None or v.size != 1 or v.dtype != np.float32:
            return None
        return float(v.reshape(()))

    def _const(self, name: str, value: np.ndarray) -> str:
        self.new[name] = value.astype(np.float32)
        self.consts[name] = self.new[name]
        return name

    def _conv_weights(self, conv: Any) -> tuple[np.ndarray, np.ndarray] | None:
        if conv.op_type != "Conv" or len(conv.input) < 2 or conv.input[1] not in self.consts:
            return None
        w = self.consts[conv.input[1]]
        if w.dtype != np.float32 or w.ndim != 4:
            return None
        if len(conv.input) > 2 and conv.input[2]:
            b = self.consts.get(conv.input[2])
            if b is None:
                return None
        else:
            b = np.zeros(w.shape[0], np.float32)
        return w, b

    def _set_conv(self, conv: Any, w: np.ndarray, b: np.ndarray) -> None:
        wn = self._const(f"{conv.output[0]}__folded_w", w)
        bn = self._const(f"{conv.output[0]}__folded_b", b)
        x = conv.input[0]
        del conv.input[:]
        conv.input.extend([x, wn, bn])

    def fold_after_convs(self) -> int:
        """Conv → Mul(a) → Add(b), both by scalars: W·a, B·a + b."""
        n_done = 0
        consumers = self._consumers()
        drop: set[int] = set()
        for conv in self.nodes:
            wb = self._conv_weights(conv)
            if wb is None:
                continue
            mul = self._only(consumers, conv.output[0], "Mul")
            a = None if mul is None else self._scalar(mul, conv.output[0])
            if mul is None or a is None:
                continue
            add = self._only(consumers, mul.output[0], "Add")
            b = None if add is None else self._scalar(add, mul.output[0])
            if add is None or b is None:
                continue
            w, bias = wb
            self._set_conv(conv, w * np.float32(a), bias * np.float32(a) + np.float32(b))
            conv.output[0] = add.output[0]
            drop |= {id(mul), id(add)}
            n_done += 1
        self.nodes = [n for n in self.nodes if id(n) not in drop]
        return n_done

    def hardswish(self) -> int:
        """Add(x, 3) → Clip(0, 6) → Mul(x, ·) → Div(6)  ⇒  Mul(x, HardSigmoid(x, 1/6, 1/2))."""
        from onnx import helper

        n_done = 0
        consumers = self._consumers()
        replace: dict[int, list[Any]] = {}
        drop: set[int] = set()
        for add in self.nodes:
            if add.op_type != "Add" or len(add.input) != 2:
                continue
            x = next((i for i in add.input if i not in self.consts), None)
            if x is None or self._scalar(add, x) != 3.0:
                continue
            clip = self._only(consumers, add.output[0], "Clip")
            if clip is None or [self._scalar_value(i) for i in clip.input[1:]] != [0.0, 6.0]:
                continue
            mul = self._only(consumers, clip.output[0], "Mul")
            if mul is None or sorted(mul.input) != sorted([x, clip.output[0]]):
                continue
            div = self._only(consumers, mul.output[0], "Div")
            if (
                div is None
                or div.input[0] != mul.output[0]
                or self._scalar(div, div.input[0]) != 6.0
            ):
                continue
            gate = f"{div.output[0]}__hardsigmoid"
            replace[id(add)] = [
                helper.make_node("HardSigmoid", [x], [gate], alpha=1 / 6, beta=0.5),
                helper.make_node("Mul", [x, gate], [div.output[0]]),
            ]
            drop |= {id(clip), id(mul), id(div)}
            n_done += 1
        out = []
        for n in self.nodes:
            if id(n) in replace:
                out.extend(replace[id(n)])
            elif id(n) not in drop:
                out.append(n)
        self.nodes = out
        return n_done

    def _scalar_value(self, name: str) -> float | None:
        v = self.consts.get(name)
        return None if v is None or v.size != 1 else float(v.reshape(()))

    def fold_before_convs(self) -> int:
        """Mul(c) → Add(d) → convolutions only: W·c into each; d into the bias of one that pads
        nothing (B + d·ΣW), else one Add(d/c) before it (padding stays zero)."""
        from onnx import helper

        n_done = 0
        consumers = self._consumers()
        drop: set[int] = set()
        replace: dict[int, Any] = {}
        for mul in self.nodes:
            if mul.op_type != "Mul" or len(mul.input) != 2:
                continue
            x = next((i for i in mul.input if i not in self.consts), None)
            c = None if x is None else self._scalar(mul, x)
            if x is None or not c:
                continue
            add = self._only(consumers, mul.output[0], "Add")
            d = None if add is None else self._scalar(add, mul.output[0])
            if add is None or d is None or add.output[0] in self.outputs:
                continue
            convs = consumers.get(add.output[0], [])
            if not convs or any(
                n.input[0] != add.output[0] or self._conv_weights(n) is None for n in convs
            ):
                continue
            if any(self._shared(consumers, n.input[1]) for n in convs):
                continue
            padded = [n for n in convs if _pads(n)]
            shifted = f"{add.output[0]}__shifted"
            for conv in convs:
                w, b = self._conv_weights(conv)  # type: ignore[misc]
                if conv in padded:
                    self._set_conv(conv, w * np.float32(c), b)
                    conv.input[0] = shifted
                else:
                    b = b + np.float32(d) * w.sum(axis=(1, 2, 3), dtype=np.float64)
                    self._set_conv(conv, w * np.float32(c), b.astype(np.float32))
                    conv.input[0] = x
            if padded:
                k = self._const(f"{add.output[0]}__shift", np.array(d / c, np.float32))
                replace[id(mul)] = helper.make_node("Add", [x, k], [shifted])
            else:
                drop.add(id(mul))
            drop.add(id(add))
            n_done += 1
        out = []
        for n in self.nodes:
            if id(n) in replace:
                out.append(replace[id(n)])
            elif id(n) not in drop:
                out.append(n)
        self.nodes = out
        return n_done

    def _shared(self, consumers: dict[str, list[Any]], weight: str) -> bool:
        return len(consumers.get(weight, [])) > 1

    def write(self) -> None:
        """The nodes and new constants back into the model; constants no node reads dropped."""
        from onnx import numpy_helper

        g = self.model.graph
        used = {i for n in self.nodes for i in n.input} | self.outputs
        nodes = [n for n in self.nodes if n.op_type != "Constant" or n.output[0] in used]
        del g.node[:]
        g.node.extend(nodes)
        keep = [t for t in g.initializer if t.name in used and t.name not in self.new]
        del g.initializer[:]
        g.initializer.extend(keep)
        g.initializer.extend(
            numpy_helper.from_array(v, name) for name, v in self.new.items() if name in used
        )


def _pads(conv: Any) -> bool:
    """Whether ``conv`` reads zero padding (explicit pads or an automatic one)."""
    from onnx import helper

    attrs = {a.name: helper.get_attribute_value(a) for a in conv.attribute}
    auto = attrs.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else auto
    if auto not in ("NOTSET", "VALID"):
        return True
    return any(int(p) != 0 for p in attrs.get("pads", []))
