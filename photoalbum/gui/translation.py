"""Puts the UI in the user's language: picks the locale and installs the app's and Qt's translators.

The app's catalogs are ``resources/translations/photoalbum_<locale>.qm`` (compiled from the .ts
files by ``make translations``). English is the source language, but it has a catalog too: it
carries only the plural forms ("1 photo" / "2 photos") of the ``%n`` messages. Qt's own catalog
(``qtbase_<locale>.qm``, shipped with PySide6) translates the standard dialogs and buttons.
"""

from __future__ import annotations

import logging
from pathlib import Path

from photoalbum.core.resources import resource_path
from photoalbum.qt import QtCore

# Re-exported: the GUI fills its texts with the helper the workers (a lower layer) use too.
from photoalbum.workers.translation import arg as arg

logger = logging.getLogger(__name__)

#: The ``ui/language`` choices: the desktop's language, or one the app ships a catalog for.
UI_LANGUAGES = ("system", "en", "zh_CN")
#: The catalogs' base name: photoalbum_zh_CN.qm, photoalbum_en.qm.
CATALOG = "photoalbum"
#: The catalog used when the app has none for the locale (English with its plural forms).
FALLBACK = "en"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for lupdate, in ``context``, and return it untranslated: for tables whose
    entries are translated where they are shown. (Qt's own marker is typed as returning object.)
    """
    return text


def translations_dir() -> Path:
    """The folder holding the app's .ts sources and compiled .qm catalogs."""
    return resource_path("translations")


def locale_for(language: str) -> QtCore.QLocale:
    """The locale for a ``ui/language`` value ("system", unknown or unset: the desktop's).

    ``"zh"`` (the setting's older spelling) means ``"zh_CN"``. The "C" locale (no locale set,
    e.g. a minimal container) reads as US English, so counts keep their thousands separators.
    """
    if language == "en":
        return QtCore.QLocale(QtCore.QLocale.Language.English, QtCore.QLocale.Country.UnitedStates)
    if language in ("zh_CN", "zh"):
        return QtCore.QLocale(
            QtCore.QLocale.Language.Chinese,
            QtCore.QLocale.Script.SimplifiedChineseScript,
            QtCore.QLocale.Country.China,
        )
    system = QtCore.QLocale.system()
    if system.language() == QtCore.QLocale.Language.C:
        return locale_for("en")
    return system


def qt_translations_dir() -> str:
    """Where the Qt binding keeps Qt's own catalogs (qtbase_zh_CN.qm…)."""
    return QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.TranslationsPath)


def install_translators(
    app: QtCore.QCoreApplication, locale: QtCore.QLocale
) -> list[QtCore.QTranslator]:
    """Install the app's and Qt's catalogs for ``locale`` and make it the default locale.

    Call before any widget is built: texts are translated when they are set. Returns the
    installed translators (parented to ``app``; pass them to :func:`remove_translators` to undo).
    """
    QtCore.QLocale.setDefault(locale)
    installed: list[QtCore.QTranslator] = []
    own = QtCore.QTranslator(app)
    folder = str(translations_dir())
    # Any Chinese desktop reads Simplified Chinese (the language scene names exist in) rather
    # than English; any other language without a catalog gets English with its plural forms.
    chinese = locale.language() == QtCore.QLocale.Language.Chinese
    if (
        own.load(locale, CATALOG, "_", folder)
        or (chinese and own.load(f"{CATALOG}_zh_CN", folder))
        or own.load(f"{CATALOG}_{FALLBACK}", folder)
    ):
        installed.append(own)
    else:  # a broken installation: the UI still works, in English with "photo(s)" plurals
        logger.warning("no translation catalog found in %s", folder)
    qt = QtCore.QTranslator(app)
    if qt.load(locale, "qtbase", "_", qt_translations_dir()):
        installed.append(qt)
    for translator in installed:
        app.installTranslator(translator)
    logger.info(
        "UI language %s (catalogs: %s)",
        locale.name(),
        ", ".join(Path(t.filePath()).name for t in installed) or "none",
    )
    return installed


def remove_translators(app: QtCore.QCoreApplication, translators: list[QtCore.QTranslator]) -> None:
    """Uninstall translators :func:`install_translators` installed."""
    for translator in translators:
        app.removeTranslator(translator)
