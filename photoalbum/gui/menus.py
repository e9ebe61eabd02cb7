"""The main window's menu bar: File, Edit, View, Go and Help, built from the window's callbacks."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from photoalbum.qt import Qt, QtCore, QtGui, QtWidgets

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MenuCallbacks:
    """What the menu items do; ``go_to`` takes a page key of ``controllers/navigation``."""

    add_folder: Callable[[], object]
    open_settings: Callable[[], object]
    quit: Callable[[], object]
    find: Callable[[], object]
    paste_image: Callable[[], object]
    show_failures: Callable[[], object]
    index_now: Callable[[], object]
    go_to: Callable[[str], object]
    go_back: Callable[[], object]
    go_forward: Callable[[], object]
    open_about: Callable[[], object]


@dataclass(frozen=True)
class MenuActions:
    """The actions the window (and its tests) reach after the menus are built."""

    add_folder: QtGui.QAction
    settings: QtGui.QAction
    find: QtGui.QAction
    paste: QtGui.QAction
    pages: dict[str, QtGui.QAction]
    back: QtGui.QAction
    forward: QtGui.QAction
    about: QtGui.QAction


def build_menus(
    menu: QtWidgets.QMenuBar, pages: Sequence[tuple[str, str]], do: MenuCallbacks
) -> MenuActions:
    """Fill ``menu``; ``pages`` are the Go menu's (key, title) pairs, reached by Ctrl+1, Ctrl+2, …"""
    translate = QtCore.QCoreApplication.translate
    file_menu = menu.addMenu(translate("Menus", "&File"))
    add_folder = file_menu.addAction(translate("Menus", "&Add folder…"), do.add_folder)
    add_folder.setShortcut(QtGui.QKeySequence.StandardKey.Open)
    settings = file_menu.addAction(translate("Menus", "&Settings…"), do.open_settings)
    settings.setShortcut(QtGui.QKeySequence.StandardKey.Preferences)
    file_menu.addSeparator()
    quit_action = file_menu.addAction(translate("Menus", "&Quit"), do.quit)
    quit_action.setShortcut(QtGui.QKeySequence.StandardKey.Quit)
    edit_menu = menu.addMenu(translate("Menus", "&Edit"))
    find = edit_menu.addAction(translate("Menus", "&Find"), do.find)
    find.setShortcut(QtGui.QKeySequence.StandardKey.Find)
    paste = edit_menu.addAction(translate("Menus", "&Paste image to search"), do.paste_image)
    paste.setShortcut(QtGui.QKeySequence.StandardKey.Paste)
    paste.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    view_menu = menu.addMenu(translate("Menus", "&View"))
    view_menu.addAction(translate("Menus", "Show &failures…"), do.show_failures)
    view_menu.addAction(translate("Menus", "&Index now"), do.index_now)
    go_menu = menu.addMenu(translate("Menus", "&Go"))
    page_actions: dict[str, QtGui.QAction] = {}
    for n, (key, title) in enumerate(pages, 1):
        action = go_menu.addAction(title, functools.partial(do.go_to, key))
        action.setShortcut(QtGui.QKeySequence(f"Ctrl+{n}"))
        page_actions[key] = action
    go_menu.addSeparator()
    back = go_menu.addAction(translate("Menus", "&Back"), do.go_back)
    back.setShortcuts(
        [
            QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Back),
            QtGui.QKeySequence("Alt+Left"),
        ]
    )
    forward = go_menu.addAction(translate("Menus", "&Forward"), do.go_forward)
    forward.setShortcuts(
        [
            QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Forward),
            QtGui.QKeySequence("Alt+Right"),
        ]
    )
    help_menu = menu.addMenu(translate("Menus", "&Help"))
    about = help_menu.addAction(translate("Menus", "&About photoalbum"), do.open_about)
    return MenuActions(add_folder, settings, find, paste, page_actions, back, forward, about)
