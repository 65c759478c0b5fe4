"""The build's MkDocs ``Files``, with ``src_paths`` made once per change instead of once per call.

MkDocs builds the soft-deprecated ``Files.src_paths`` dict anew at every access; awesome-pages reads it once for
every folder of the navigation (``Meta.try_load_from_files``), so the navigation cost folders x files: quadratic
in entries once weekly pages and parts add a folder each (~1,000 folders and ~3,000 files at 10,000 entries).
"""

from __future__ import annotations

from mkdocs.structure.files import File, Files


class IndexedFiles(Files):
    _src_paths: dict[str, File] | None = None

    @property
    def src_paths(self) -> dict[str, File]:
        if self._src_paths is None:
            self._src_paths = {file.src_path: file for file in self}
        # A copy would cost what the cache saves; a reader that wants to change it gets Files.append/remove.
        return self._src_paths

    def append(self, file: File) -> None:
        self._src_paths = None
        super().append(file)

    def remove(self, file: File) -> None:
        self._src_paths = None
        super().remove(file)
