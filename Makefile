# photoalbum — the two set-up commands are `make run` and `make test`.
# Everything installs into .venv (Python 3.10+; torch is pinned to the build on this machine's disk
# and is needed only to prepare models).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
TORCH  := torch==2.14.1 torchvision==0.29.1
MODEL  ?=
LIBRARY ?=
PYTEST_ARGS ?=

.PHONY: run test lint bench venv clean dist screenshots wheel-check translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $(TORCH)
	$(PIP) install -q -e '.[prepare,test,milvus,milvus-server]'
	touch $@

venv: $(VENV)/.installed

## Open the app. With no prepared model it opens on the model-setup page;
## `make run MODEL=random:ViT-B-32` is the (loudly labelled) random-weights demo.
run: venv
	$(VENV)/bin/photoalbum $(if $(LIBRARY),--library $(LIBRARY)) $(if $(MODEL),--model $(MODEL))

## Lint, format check, layer contracts, type check and the whole test suite (what CI runs).
test: venv
	$(VENV)/bin/ruff check photoalbum tests bench
	$(VENV)/bin/ruff format --check photoalbum tests bench
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check photoalbum tests bench
	$(VENV)/bin/ruff format --check photoalbum tests bench
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

## The UI's translations: extract every tr()/translate() string of photoalbum/gui and of the
## workers (the status-bar and dialog messages they emit) into the .ts
## sources (new strings arrive untranslated; translate them with pyside6-linguist), then compile
## the .qm catalogs the app ships. English's catalog holds only the plural forms of %n messages.
TRANSLATIONS := resources/translations
TRANSLATED   := photoalbum/gui photoalbum/workers
translations: venv
	$(VENV)/bin/pyside6-lupdate -extensions py -locations relative -no-obsolete \
		-target-language zh_CN $(TRANSLATED) -ts $(TRANSLATIONS)/photoalbum_zh_CN.ts
	$(VENV)/bin/pyside6-lupdate -extensions py -locations relative -no-obsolete -pluralonly \
		-target-language en $(TRANSLATED) -ts $(TRANSLATIONS)/photoalbum_en.ts
	$(VENV)/bin/pyside6-lrelease -nounfinished $(TRANSLATIONS)/photoalbum_zh_CN.ts \
		$(TRANSLATIONS)/photoalbum_en.ts

## Benchmarks (not part of `make test`): ratios measured side by side in one run.
bench: venv
	$(PY) -m bench.run_all

## sdist + wheel, installed into a fresh venv without torch and smoke-tested (part of `make test`).
wheel-check: venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -p no:cacheprovider tests/e2e/test_wheel.py

## The frozen desktop app (PyInstaller one-folder build in dist/photoalbum/), smoke-tested
## under Xvfb (offscreen without it): model import, index, search, first window, clean exit.
dist: venv
	$(PIP) install -q -e '.[dist]'
	rm -rf dist/photoalbum build/pyinstaller
	$(PY) -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/photoalbum.spec
	PYTHONPATH=$(CURDIR) $(PY) packaging/check_frozen.py dist/photoalbum

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
