"""The activation ranges behind the OCR recogniser's INT8 layers (``ocr_models.REC_INT8_RANGES``).

Reads calibration images with the OCR engine (rendered lines in English and Chinese, dark on
light and light on dark, some written over scikit-image's photos, and its page and text
samples at sizes the tests and ``bench_passes`` do not use), keeps every crop batch the
recogniser gets, runs the folded recogniser on them with the inputs and outputs of the layers to quantise
as extra outputs, and prints each one's 0.001th and 99.999th percentile: the table to paste
into ``photoalbum/core/text/ocr_models.py``. None of the lines read by ``bench_passes`` or the
OCR tests is among them.

usage: python -m bench.ocr_int8_ranges
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import numpy as np

#: Lines rendered for calibration only (the recall lines of bench_passes are left out).
CALIBRATION_LINES = (
    "Opening hours 9 to 5",
    "Parking only for guests",
    "收银台 请排队",
    "Invoice No 20231107",
    "北京大学图书馆",
    "SALE 50% OFF",
    "Fresh Bread Daily",
    "欢迎光临本店",
    "Platform 3 Departures",
    "营业时间 早八点",
)


def calibration_images() -> list:
    """The images read to collect the recogniser's inputs."""
    from PIL import ImageDraw, ImageFont

    from tests.support.photos import sample_image
    from tests.support.text_photos import cjk_font, text_photo

    out = []
    for i, line in enumerate(CALIBRATION_LINES):
        out.append(text_photo([line], size=(1000, 750), text_px=14 + 3 * i, seed=i))
    font = ImageFont.truetype(str(cjk_font()), 20)
    for i, name in enumerate(("astronaut", "rocket", "camera", "retina")):
        image = sample_image(name).convert("RGB").resize((1000, 750))
        fill = (255, 255, 255) if i % 2 == 0 else (10, 10, 10)
        ImageDraw.Draw(image).text((80, 420), CALIBRATION_LINES[i], font=font, fill=fill)
        out.append(image)
    page = sample_image("page").convert("RGB")
    out.append(page.resize((1200, 700)))
    out.append(page.resize((800, 600)).rotate(180))
    out.append(sample_image("text").convert("RGB").resize((1000, 750)))
    return out


def collect_batches(model_dir: Path) -> list[np.ndarray]:
    """Every batch the recogniser gets while reading :func:`calibration_images`."""
    from photoalbum.core.text.ocr import OcrEngine

    engine = OcrEngine(threads=1, model_dir=model_dir)
    engine.load()
    session = engine._models.text_rec.session
    inner = session._inner
    batches: list[np.ndarray] = []

    def keep(batch: np.ndarray) -> list[np.ndarray]:
        batches.append(batch.copy())
        return inner(batch)

    session._inner = keep
    for image in calibration_images():
        engine.read(image)
    return batches


def ranges(model_path: str, batches: list[np.ndarray]) -> dict[str, tuple[float, float]]:
    """The 0.001th and 99.999th percentile of each INT8 layer's input and output over
    ``batches``."""
    import onnx
    import onnxruntime as ort

    from photoalbum.core.text.ocr_models import int8_layer_tensors

    model = onnx.load(model_path)
    names = int8_layer_tensors(model)
    for name in names:
        model.graph.output.append(onnx.ValueInfoProto(name=name))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    values: dict[str, list[np.ndarray]] = {n: [] for n in names}
    for batch in batches:
        outs = session.run(names, {session.get_inputs()[0].name: batch})
        for n, v in zip(names, outs, strict=True):
            values[n].append(v.ravel())
    out = {}
    for n in names:
        v = np.concatenate(values[n])
        out[n] = (float(np.percentile(v, 0.001)), float(np.percentile(v, 99.999)))
    return out


def main() -> None:
    import rapidocr_onnxruntime

    from photoalbum.core.text.ocr_models import folded_model_path

    source = Path(rapidocr_onnxruntime.__file__).parent / "models" / "ch_PP-OCRv4_rec_infer.onnx"
    with tempfile.TemporaryDirectory() as tmp:
        batches = collect_batches(Path(tmp))
        folded = folded_model_path(source, Path(tmp) / "fp32", int8=False)
        found = ranges(folded, batches)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    crops = sum(len(b) for b in batches)
    print(f"# {crops} crops in {len(batches)} batches; recogniser {source.name} {digest}")
    print(f'REC_INT8_SOURCE = "{digest}"')
    print("REC_INT8_RANGES = {")
    for n, (lo, hi) in found.items():
        print(f'    "{n}": ({lo:.5g}, {hi:.5g}),')
    print("}")


if __name__ == "__main__":
    main()
