"""Real-weight OCR (PP-OCR via rapidocr-onnxruntime) on rendered English and Chinese text."""

from __future__ import annotations

import pytest
from PIL import Image

from photoalbum.core.text import OcrEngine, TextPass
from tests.support.photos import sample_image
from tests.support.text_photos import RECEIPT_EN, RECEIPT_ZH, text_photo

pytest.importorskip("rapidocr_onnxruntime")


@pytest.fixture(scope="module")
def engine():
    return OcrEngine(threads=1)


def test_reads_english_and_chinese_lines_with_boxes(engine):
    image = text_photo([RECEIPT_EN, RECEIPT_ZH], size=(1000, 750))
    lines = engine.read(image)
    assert [ln.text for ln in lines] == [RECEIPT_EN, RECEIPT_ZH]
    assert all(ln.score > 0.8 for ln in lines)
    for ln in lines:
        xs = [x for x, _ in ln.box]
        ys = [y for _, y in ln.box]
        assert 0.0 <= min(xs) < max(xs) <= 1.0 and 0.0 <= min(ys) < max(ys) <= 1.0
        assert min(xs) > 0.1  # the text starts inside the paper slip (left margin w/10)
    assert lines[0].box[0][1] < lines[1].box[0][1]  # top to bottom


def test_photo_without_text_reads_nothing(engine):
    assert engine.read(sample_image("chelsea")) == []
    assert len(engine.detect(sample_image("coffee").resize((400, 300)))) == 0


def test_tiny_and_odd_images_do_not_fail(engine):
    assert engine.read(Image.new("RGB", (4, 4))) == []
    assert engine.read(Image.new("L", (64, 32), 255)) == []


def test_text_pass_shrinks_large_decodes():
    seen = []

    class Spy:
        def read(self, image):
            seen.append(image.size)
            return []

    p = TextPass(store=None, engine=Spy())  # type: ignore[arg-type]
    big = Image.new("RGB", (4000, 3000))
    assert p.process(1, big) == [] and seen == [(1600, 1200)] and big.size == (4000, 3000)
