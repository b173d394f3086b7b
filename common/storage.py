"""The private file storage on a shared volume (settings.STORAGES["default"] when no object
storage is configured).

Django's FileSystemStorage writes a new file in place, so a reader on another app server could
open it half written. Here every file is written beside its name, flushed, and then linked in
under its name in one step: a reader sees the whole file or none. A name already taken is never
overwritten (Django's usual suffix is added), as with the object storage.
"""

from __future__ import annotations

import os
import tempfile

from django.core.files.storage import FileSystemStorage


class PrivateFileStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            dir=directory, prefix=f".{os.path.basename(full_path)}.", suffix=".part"
        )
        try:
            with os.fdopen(fd, "wb") as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(tmp, self.file_permissions_mode)
            while True:
                try:
                    os.link(tmp, full_path)  # fails if the name is taken: never overwrites
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        return str(name).replace("\\", "/")
