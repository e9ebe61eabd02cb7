"""GroupsController: the side panel's Scenes / Events / Duplicates lists (what they list, which
group is chosen, when they are recomputed) over the scenes worker."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from photoalbum.gui.attached import while_attached
from photoalbum.gui.controllers.regroup_schedule import RegroupSchedule
from photoalbum.gui.controllers.search import SearchController
from photoalbum.gui.errors import logs_exceptions
from photoalbum.gui.widgets.group_list import GroupChip, GroupList
from photoalbum.qt import QtCore
from photoalbum.workers.messages import GroupsUpdate, LibraryOptions, PhotoGroup
from photoalbum.workers.scenes_worker import DUPLICATES, ScenesWorker

logger = logging.getLogger(__name__)


def all_duplicates(groups: Sequence[PhotoGroup]) -> PhotoGroup:
    """The "all sets" entry heading the Duplicates list: every set's photos, set after set."""
    ids = tuple(i for g in groups for i in g.photo_ids)
    translate = QtCore.QCoreApplication.translate
    # A title of the app's own: the same text, in the UI's language, whatever the engine's is.
    title = translate("GroupsController", "All %Ln set(s), side by side", None, len(groups))
    return PhotoGroup(
        DUPLICATES,
        "dup-all",
        title,
        title,
        ids,
        cover=groups[0].cover,
        keep_order=True,
        detail=translate(
            "GroupsController",
            "Review them in the grid; “Move to Trash…” (Delete) moves the copies you "
            "choose to the trash, after asking; “Remove from library” forgets a photo",
        ),
    )


class GroupsController(QtCore.QObject):
    """Fills the group lists from the scenes worker and shows a chosen group's photos.

    One group at a time is chosen (selected in its list, named by the chip); the search
    controller lists its photos and keeps searches inside it until the chip's × clears it. When a
    recomputation changes the chosen group's photos, the grid follows.

    Args:
        search: lists and searches the chosen group's photos.
        lists: kind → its side-panel list.
        chip: the removable chip naming the chosen group.
        scenes_worker: computes the groups (None: the lists stay empty).
        schedule: when indexing runs make the groups be recomputed.
        language: "en" or "zh" for group titles.
    """

    def __init__(
        self,
        *,
        search: SearchController,
        lists: Mapping[str, GroupList],
        chip: GroupChip,
        scenes_worker: ScenesWorker | None,
        schedule: RegroupSchedule | None = None,
        language: str = "en",
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.search = search
        self.lists = dict(lists)
        self.chip = chip
        self.scenes_worker = scenes_worker
        self.schedule = schedule or RegroupSchedule()
        self.language = language
        self.detached = False
        self._scenes_open = False  # the scenes worker was asked to open
        for group_list in self.lists.values():
            group_list.group_selected.connect(self.show_group)
        chip.cleared.connect(self.clear_group)
        if scenes_worker is not None:
            scenes_worker.groups_ready.connect(self._on_scenes_worker_groups_ready)
            scenes_worker.busy_changed.connect(self._on_scenes_worker_busy_changed)

    def detach(self) -> None:
        """Stop talking to the scenes worker (it is about to stop)."""
        self.detached = True

    # --- choosing a group ----------------------------------------------------------------------
    @property
    def group(self) -> PhotoGroup | None:
        """The chosen group, if any."""
        return self.search.group

    def show_group(self, group: PhotoGroup) -> None:
        """Show a scene's / event's / duplicate set's photos; searches stay inside it until the
        chip's × (or "All photos") clears it."""
        if self.search.shows_group(group):
            return  # already shown (a click can also arrive as an activation)
        for kind, group_list in self.lists.items():
            if kind == group.kind:
                group_list.select_key(group.key)
            else:
                group_list.clear_selection()
        self.chip.show_group(group, self.language)
        self.search.show_group(group)

    def latest(self, group: PhotoGroup) -> PhotoGroup:
        """``group`` as last computed (one put back by Back may have been recomputed since, with
        other photos); ``group`` itself when it is gone."""
        group_list = self.lists.get(group.kind)
        groups = group_list.all_groups() if group_list is not None else []
        return next((g for g in groups if g.key == group.key), group)

    def clear_group(self) -> None:
        """Show (and search) the whole library again."""
        if self.search.group is None:
            return
        for group_list in self.lists.values():
            group_list.clear_selection()
        self.chip.show_group(None)
        self.search.clear_group()

    # --- the scenes worker ---------------------------------------------------------------------
    def library_opened(self, options: LibraryOptions) -> None:
        """The library (re)opened: (re)open the scenes worker with ``options``."""
        if self.scenes_worker is not None:
            self._scenes_open = True
            self.scenes_worker.open(options)

    def run_started(self) -> None:
        """An indexing run started."""
        self.schedule.run_started()

    def photos_changed(self) -> None:
        """Photos were added or changed: regroup, now and then while a run adds them."""
        worker = self._refreshable()
        if worker is not None and self.schedule.photos_changed():
            worker.refresh()

    def run_finished(self) -> None:
        """An indexing run ended: regroup."""
        if self.schedule.run_finished() and (worker := self._refreshable()) is not None:
            worker.refresh()

    def _refreshable(self) -> ScenesWorker | None:
        # The worker coalesces and rate-limits refreshes itself; it needs to be open first.
        return self.scenes_worker if self._scenes_open else None

    @while_attached
    @logs_exceptions
    def _on_scenes_worker_groups_ready(self, update: GroupsUpdate) -> None:
        extra: tuple[PhotoGroup, ...] = ()
        if update.kind == DUPLICATES and len(update.groups) > 1:
            extra = (all_duplicates(update.groups),)
        self.lists[update.kind].set_update(update, extra)
        g = self.search.group
        if g is None or g.kind != update.kind:
            return
        fresh = next((x for x in (*extra, *update.groups) if x.key == g.key), None)
        if fresh is None or fresh.photo_ids == g.photo_ids:
            return  # gone in a recluster: keep showing what the user chose
        self.chip.show_group(fresh, self.language)
        self.search.follow_group(fresh)

    @while_attached
    def _on_scenes_worker_busy_changed(self, busy: bool) -> None:
        for group_list in self.lists.values():
            group_list.set_busy(busy)
