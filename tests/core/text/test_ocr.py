"""Real-weight OCR (PP-OCR via rapidocr-onnxruntime) on rendered English and Chinese text."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
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


@pytest.mark.parametrize("size", [(1500, 1000), (900, 1600), (1333, 750)])
def test_boxes_map_back_to_photos_of_any_shape(engine, size):
    """The detector sees the photo resized once to sides that are multiples of 32 (the aspect
    changes a little); its boxes must still land on the text in the photo's own coordinates."""
    w, h = size
    px = min(h // 16, w // 20)  # the line fits on the paper; it starts at (w/10 + px, h/8 + px)
    lines = engine.read(text_photo([RECEIPT_EN], size=size, text_px=px))
    assert [ln.text for ln in lines] == [RECEIPT_EN]
    (x0, y0), _, (x1, y1), _ = lines[0].box
    assert abs(x0 * w - (w // 10 + px)) < px and abs(y0 * h - (h // 8 + px)) < px
    assert x1 > x0 and 0.5 * px < (y1 - y0) * h < 2.5 * px


def test_reads_from_several_threads_at_once_with_one_model_copy(monkeypatch):
    from photoalbum.core.text import ocr

    made = []
    real = ocr._make_engine
    monkeypatch.setattr(
        ocr, "_make_engine", lambda threads, *dirs: made.append(threads) or real(threads, *dirs)
    )
    engine = OcrEngine(threads=1, concurrency=2)
    images = [text_photo([RECEIPT_EN], size=(800, 600)), sample_image("chelsea")] * 3
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(engine.read, images))
    assert [[ln.text for ln in r] for r in results] == [[RECEIPT_EN], []] * 3
    assert made == [1]  # one copy, shared by the threads reading at once
    models = engine._models  # rapidocr's sessions rebuilt with ONNX Runtime's memory arena
    for session in (models.text_det.infer.session, models.text_rec.session.session):
        assert session.get_session_options().enable_cpu_mem_arena


def test_photo_without_text_reads_nothing(engine):
    assert engine.read(sample_image("chelsea")) == []
    assert len(engine.detect(sample_image("coffee").resize((400, 300)))) == 0


def test_tiny_and_odd_images_do_not_fail(engine):
    assert engine.read(Image.new("RGB", (4, 4))) == []
    assert engine.read(Image.new("L", (64, 32), 255)) == []
    for size in ((4000, 12), (12, 4000), (1600, 9)):  # panorama strips: no crash, nothing read
        assert engine.read(Image.new("RGB", size, (255, 255, 255))) == []


def test_text_pass_shrinks_large_decodes():
    seen = []

    class Spy:
        def read(self, image):
            seen.append(image.size)
            return []

    p = TextPass(store=None, engine=Spy())  # type: ignore[arg-type]
    big = Image.new("RGB", (4000, 3000))
    assert p.process(1, big) == [] and seen == [(1600, 1200)] and big.size == (4000, 3000)


def _text_on(name: str, line: str, height: float) -> Image.Image:
    """A real photo (1000×750) with ``line`` written on it, ``height`` of its shorter side."""
    from PIL import ImageDraw, ImageFont

    from tests.support.text_photos import cjk_font

    image = sample_image(name).resize((1000, 750))
    font = ImageFont.truetype(str(cjk_font()), round(height * 750))
    ImageDraw.Draw(image).text((120, 300), line, font=font, fill=(255, 255, 255))
    return image


class _CountingDetector:
    """Counts the detector network's runs and the pixels it sees (a spy on ``_detect_in``)."""

    def __init__(self, monkeypatch):
        from photoalbum.core.text import ocr

        self.calls: list[tuple[int, int]] = []
        real = ocr._detect_in

        def spy(engine, small):
            self.calls.append(small.shape[:2])
            return real(engine, small)

        monkeypatch.setattr(ocr, "_detect_in", spy)


@pytest.mark.parametrize(("name", "share"), [("colorwheel", 0.0), ("moon", 0.05), ("chelsea", 0.3)])
def test_photos_without_text_are_detected_in_small_regions_or_not_at_all(
    engine, monkeypatch, name, share
):
    """The detector never sees a smooth photo whole (1000×750: 640×480 for the detector)."""
    spy = _CountingDetector(monkeypatch)
    assert engine.read(sample_image(name).resize((1000, 750))) == []
    assert (640, 480) not in spy.calls and (480, 640) not in spy.calls
    assert sum(h * w for h, w in spy.calls) <= share * 640 * 480


@pytest.mark.parametrize(
    ("line", "height"),
    [("Main Street Exit 12", 0.0175), ("Coffee and Tea House", 0.02), ("五金店收据合计", 0.02)],
)
def test_small_text_on_a_photo_is_read_and_only_its_region_detected(
    engine, monkeypatch, line, height
):
    spy = _CountingDetector(monkeypatch)
    lines = engine.read(_text_on("chelsea", line, height))
    assert line in [ln.text for ln in lines]
    assert spy.calls and sum(h * w for h, w in spy.calls) < 0.5 * 640 * 480


def test_the_gate_reads_what_the_whole_image_detector_reads(engine):
    ungated = OcrEngine(threads=1, gate=False)
    for image in (
        text_photo([RECEIPT_EN, RECEIPT_ZH], size=(1000, 750)),
        text_photo(["Hardware Store Receipt"], size=(1000, 750), text_px=round(0.015 * 750)),
        _text_on("coffee", "Total Amount Due 45.80", 0.02),
    ):
        assert [ln.text for ln in engine.read(image)] == [ln.text for ln in ungated.read(image)]


def _share(calls: list[tuple[int, int]]) -> float:
    return sum(h * w for h, w in calls) / (640 * 480)


@pytest.mark.parametrize(
    ("name", "share"),
    [("coins", 0.0), ("brick", 0.0), ("coffee", 0.0), ("hubble_deep_field", 0.0),
     ("grass", 0.1), ("gravel", 0.1)],
)  # fmt: skip
def test_textured_photos_without_text_take_the_cheap_path(engine, monkeypatch, name, share):
    """Dense strong edges all over (the edge test alone sent these to the detector whole), but
    no line of letters: the detector sees little of them or nothing."""
    import cv2

    from photoalbum.core.text import ocr

    image = sample_image(name).convert("RGB").resize((1000, 750))
    small = cv2.resize(np.asarray(image), (640, 480), interpolation=cv2.INTER_AREA)
    edges = ocr.edge_regions(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY))
    assert sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in edges) > 0.9 * 640 * 480
    spy = _CountingDetector(monkeypatch)
    assert engine.read(image) == []
    assert _share(spy.calls) <= share


def test_photos_without_a_line_of_letters_never_load_the_models(monkeypatch):
    from photoalbum.core.text import ocr

    made = []
    monkeypatch.setattr(ocr, "_make_engine", lambda threads, *dirs: made.append(threads))
    engine = OcrEngine(threads=1)
    for name in ("coins", "brick", "chelsea", "colorwheel"):
        assert engine.read(sample_image(name).convert("RGB").resize((1000, 750))) == []
    assert len(engine.detect(sample_image("coffee").resize((1000, 750)))) == 0
    assert made == []


def _gray(image: Image.Image) -> np.ndarray:

    w, h = image.size
    scale = 640 / max(w, h)
    small = image.convert("L").resize((round(w * scale), round(h * scale)), Image.BOX)
    return np.ascontiguousarray(np.asarray(small))


@pytest.mark.parametrize(
    ("ink", "paper"), [((25, 25, 30), (238, 234, 224)), ((250, 250, 250), (40, 60, 90))]
)
def test_lines_of_letters_are_found_dark_on_light_and_light_on_dark(ink, paper):
    from PIL import ImageDraw, ImageFont

    from photoalbum.core.text import ocr
    from tests.support.text_photos import cjk_font

    for height in (0.0125, 0.02, 0.08):  # 1.25 % at full size; 8 %: letters apart, half size
        image = Image.new("RGB", (1000, 750), paper)
        font = ImageFont.truetype(str(cjk_font()), round(height * 750))
        ImageDraw.Draw(image).text((100, 300), "Main Street Exit 12", font=font, fill=ink)
        found = ocr.letter_lines(_gray(image))
        y = 300 * 0.64
        assert any(y - 10 <= by <= y + height * 750 * 0.64 + 10 for _, by, _, _ in found), found


def test_ruled_lines_and_plain_edges_are_not_letters():
    """Thin lines (a ruled page, a fence, blinds) are strokes, and a plain card's border is a
    strong edge; neither alternates like letters."""
    from PIL import ImageDraw

    from photoalbum.core.text import ocr

    image = Image.new("RGB", (1000, 750), (230, 230, 225))
    draw = ImageDraw.Draw(image)
    for y in range(100, 700, 24):
        draw.line((80, y, 920, y), fill=(40, 40, 60), width=3)
    draw.rectangle((300, 300, 700, 500), fill=(250, 250, 250), outline=(0, 0, 0), width=2)
    assert ocr.letter_lines(_gray(image)) == []
    assert OcrEngine(threads=1).detect(image).shape[0] == 0


def test_a_line_written_over_texture_with_no_plain_margin_is_not_a_line():
    """The margin rule: a band of letter-like strokes with as many strokes right above and below
    is texture (grass, gravel), not a line; the same line on plain ground is one."""
    from PIL import ImageDraw, ImageFont

    from photoalbum.core.text import ocr
    from tests.support.text_photos import cjk_font

    rng = np.random.default_rng(0)
    noise = (rng.random((750, 1000)) > 0.5).astype(np.uint8) * 200 + 20
    font = ImageFont.truetype(str(cjk_font()), 15)
    textured = Image.fromarray(noise).convert("RGB")
    plain = Image.new("RGB", (1000, 750), (230, 230, 225))
    for image in (textured, plain):
        ImageDraw.Draw(image).text((100, 300), "Main Street Exit 12", font=font, fill=(0, 0, 0))
    assert ocr.letter_lines(_gray(plain))
    assert not any(180 <= by <= 205 for _, by, _, _ in ocr.letter_lines(_gray(textured)))


def test_real_text_photos_read_as_the_whole_image_detector_reads(engine):
    ungated = OcrEngine(threads=1, gate=False)
    page = sample_image("page").convert("RGB")
    for image in (page, page.resize((1000, 500))):
        lines = [ln.text for ln in engine.read(image)]
        assert len(lines) >= 5
        assert lines == [ln.text for ln in ungated.read(image)]


def test_the_recogniser_is_made_only_when_a_box_needs_reading():
    engine = OcrEngine(threads=1)
    image = text_photo([RECEIPT_EN], size=(1000, 750))
    assert len(engine.detect(image)) == 1
    assert engine._models._rec is None  # the detector alone so far
    assert [ln.text for ln in engine.read(image)] == [RECEIPT_EN]
    assert engine._models._rec is not None


@pytest.mark.parametrize(("word", "text_px"), [("EXIT", 72), ("EXIT", 120), ("LIGHTHOUSE", 72)])
def test_a_signs_large_word_is_read(engine, word, text_px):
    """One large word (a sign filling a frame) is too short and its strokes too thick for the
    line test; a compact region of strong edges still goes to the detector."""
    image = text_photo([word], size=(640, 480), text_px=text_px)
    assert [ln.text for ln in engine.read(image)] == [word]


def test_a_reading_thread_waits_for_opencv_being_imported_by_another(monkeypatch):
    """While one thread imports OpenCV (or rapidocr, which imports it), ``cv2`` sits half made
    in sys.modules; another thread must wait for it, not use it ("partially initialized module
    'cv2' has no attribute 'cvtColor'")."""
    import sys
    import threading
    import types

    from photoalbum.core.text import ocr

    half, whole = types.ModuleType("cv2"), types.ModuleType("cv2")
    got: list[object] = []
    with ocr.IMPORT_LOCK:  # as an import in progress holds it
        monkeypatch.setitem(sys.modules, "cv2", half)
        reader = threading.Thread(target=lambda: got.append(ocr.import_cv2()))
        reader.start()
        reader.join(0.2)
        assert got == []  # still waiting
        sys.modules["cv2"] = whole  # the import completes
    reader.join(5)
    assert got == [whole]


def _lines(engine: OcrEngine, image: Image.Image) -> list[tuple[str, float, object]]:
    return [(ln.text, ln.score, ln.box) for ln in engine.read(image)]


def test_the_rewritten_models_read_what_rapidocrs_read(engine, tmp_path):
    """The folded copies (``ocr_models``) give the same lines and boxes (the detector's are
    exact), with scores a little off from the recogniser's INT8 layers."""
    folded = OcrEngine(threads=1, model_dir=tmp_path)
    images = (
        text_photo([RECEIPT_EN, RECEIPT_ZH], size=(1000, 750)),
        sample_image("page").convert("RGB").resize((1000, 500)),
        _text_on("chelsea", "Main Street Exit 12", 0.0175),
    )
    for image in images:
        got, want = _lines(folded, image), _lines(engine, image)
        assert [(text, box) for text, _, box in got] == [(text, box) for text, _, box in want]
        assert all(abs(a[1] - b[1]) < 0.02 for a, b in zip(got, want, strict=True))
    assert sorted(p.name.split(".folded-")[0] for p in tmp_path.iterdir()) == [
        "ch_PP-OCRv4_det_infer",
        "ch_PP-OCRv4_rec_infer",
    ]


def test_a_damaged_model_copy_falls_back_to_rapidocrs_own(tmp_path):
    image = text_photo([RECEIPT_EN], size=(1000, 750))
    assert [ln.text for ln in OcrEngine(threads=1, model_dir=tmp_path).read(image)] == [RECEIPT_EN]
    copies = sorted(tmp_path.iterdir())
    assert len(copies) == 2
    for p in copies:
        p.write_bytes(b"not a model")
    assert [ln.text for ln in OcrEngine(threads=1, model_dir=tmp_path).read(image)] == [RECEIPT_EN]
    assert not any(p.is_file() and p.read_bytes() == b"not a model" for p in copies)


def test_the_recogniser_runs_one_crop_at_a_time_with_the_batchs_padding(engine):
    """rapidocr's batches of up to 6 crops, padded to the widest, run one crop at a time: the
    same output, each crop's activations kept in the cache."""
    engine.load()
    session = engine._models.text_rec.session
    inner = session._inner
    seen = []

    def spy(batch):
        seen.append(batch.shape)
        return inner(batch)

    session._inner = spy
    try:
        image = text_photo([RECEIPT_EN, RECEIPT_ZH], size=(1000, 750))
        assert [ln.text for ln in engine.read(image)] == [RECEIPT_EN, RECEIPT_ZH]
        assert len(seen) == 2 and all(s[0] == 1 for s in seen) and seen[0][3] == seen[1][3]
        batch = np.random.default_rng(0).uniform(-1, 1, (3, 3, 48, 320)).astype(np.float32)
        np.testing.assert_allclose(session(batch)[0], inner(batch)[0], atol=1e-5)
    finally:
        session._inner = inner


@pytest.mark.parametrize(("text_px", "shrink"), [(24, 1), (64, 2)])
def test_large_text_is_detected_at_half_size(engine, monkeypatch, text_px, shrink):
    """Lines found only at half or quarter size (letters 18+ px high in the detector's input:
    a page, a sign) are detected on the region shrunk to half (a quarter of the detector's
    cost) and read the same; smaller text keeps the full size."""
    import cv2

    from photoalbum.core.text import ocr

    lines = [RECEIPT_EN, "Main Street Exit 12", "Coffee and Tea House"]
    image = text_photo(lines, size=(1000, 750), text_px=text_px)
    gray = cv2.resize(
        cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2GRAY),
        (640, 480),
        interpolation=cv2.INTER_AREA,
    )
    regions, found = ocr.gated_regions(gray)
    assert found == shrink and len(regions) == 1
    spy = _CountingDetector(monkeypatch)
    assert [ln.text for ln in engine.read(image)] == lines
    x0, y0, x1, y1 = regions[0]
    ((h, w),) = spy.calls
    to_32 = ocr._multiple_of_32  # the detector's sides
    assert (h, w) == (to_32((y1 - y0) / shrink), to_32((x1 - x0) / shrink))


@pytest.mark.parametrize("size", [(1000, 750), (750, 1000), (1500, 1000), (960, 720), (1280, 720)])
def test_a_regions_pixels_are_the_whole_resizes_pixels(size):
    """A region resized alone (where its edges fall on whole source pixels) or cut from the
    whole resize gives the bytes the whole resize has there."""
    from photoalbum.core.text import ocr

    cv2 = ocr.import_cv2()
    rgb = np.asarray(sample_image("astronaut").convert("RGB").resize(size))
    w, h = size
    scale = min(1.0, 640 / max(w, h))
    small = (ocr._multiple_of_32(w * scale), ocr._multiple_of_32(h * scale))
    whole = cv2.resize(rgb, small, interpolation=cv2.INTER_AREA)
    pixels = ocr._region_pixels(rgb, small)
    sw, sh = small
    for x0, y0, x1, y1 in [(0, 0, 64, 64), (32, 96, 256, 160), (sw - 96, sh - 64, sw, sh)]:
        assert np.array_equal(pixels(x0, y0, x1, y1), whole[y0:y1, x0:x1])
    assert np.array_equal(pixels(0, 0, sw, sh), whole)


def test_a_photo_with_one_small_region_is_not_resized_whole_in_colour(engine, monkeypatch):
    """The colour copy at the detector's size (~5.5 ms at 1000×750) is made only for the
    regions the detector sees."""
    from photoalbum.core.text import ocr

    cv2 = ocr.import_cv2()
    real = cv2.resize
    made: list[tuple[int, ...]] = []

    def resize(src, dsize, *args, **kwargs):
        out = real(src, dsize, *args, **kwargs)
        made.append(out.shape)
        return out

    monkeypatch.setattr(cv2, "resize", resize)
    spy = _CountingDetector(monkeypatch)
    lines = engine.read(_text_on("chelsea", "Coffee and Tea House", 0.02))
    assert "Coffee and Tea House" in [ln.text for ln in lines]
    assert spy.calls
    assert (480, 640, 3) not in made


@pytest.mark.parametrize("importer", ["import_cv2", "import_ocr_modules"])
def test_opencv_computes_on_the_callers_thread(importer):
    """Either way OpenCV gets imported (rapidocr imports it too), it keeps no pool of its own
    beside the reading threads (a fresh process: this one may have imported it already)."""
    import subprocess
    import sys

    code = (
        f"from photoalbum.core.text import ocr; ocr.{importer}(); "
        "import cv2; print(cv2.getNumThreads())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"
