"""Build hook: ship the top-level ``resources/`` inside the package as ``photoalbum/resources``.

Everything else is in pyproject.toml. The source tree keeps ``resources/`` at its top (icons,
scene vocabulary, desktop files are not Python); wheels and sdist-built wheels carry a copy
inside the package, where :mod:`photoalbum.core.resources` finds it.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithResources(build_py):
    """build_py that also copies resources/ into the built package."""

    def run(self) -> None:
        super().run()
        src = HERE / "resources"
        if src.is_dir() and not self.editable_mode:
            self.copy_tree(str(src), str(Path(self.build_lib) / "photoalbum" / "resources"))


setup(cmdclass={"build_py": BuildPyWithResources})
