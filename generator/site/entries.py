"""What MkDocs must not publish from docs/, checked before anything is built: a link out of
the repository, a link loop, a FIFO, device or socket."""

from __future__ import annotations

import os
from stat import S_ISDIR, S_ISREG

from generator import layout

NOT_REGULAR = "; the site publishes only regular files"


OUTSIDE = "; the site publishes only files inside it"


def outside_files(config_file: str, docs_dir: str | None = None) -> list[str]:
    """What MkDocs must not publish from docs/, which it reads following links: a symbolic
    link that leads out of the repository (MkDocs copies `docs/assets/x -> /etc/passwd`, or a
    folder linked in that holds such a link), a link to a folder that holds it (a loop), and a
    FIFO, device or socket. One line each, naming the entry and quoting nothing of its target."""
    from mkdocs.config import load_config  # its docs_dir as MkDocs reads it (!ENV, relative paths)

    root = os.path.dirname(os.path.realpath(config_file))
    try:  # known from the last build of the same config, else as MkDocs loads it
        top = docs_dir or str(load_config(config_file=config_file).docs_dir)
    except Exception:  # MkDocs' own load reports a broken mkdocs.yml
        return []
    if not os.path.isdir(top):
        return [f"{config_file}: its docs_dir {top!r} is not a folder"]
    shown = os.path.relpath(top)
    out: list[str] = []

    def name(entry: os.DirEntry[str]) -> str:  # made only for a message: most entries need none
        return os.path.join(shown, os.path.relpath(entry.path, top))

    seen = {os.path.realpath(top)}
    folders = [top]
    while folders:  # os.scandir: the kind of each entry comes with the listing, without a stat
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                try:
                    real = os.path.realpath(entry.path)
                    inside = layout.within(real, root)
                    mode = os.stat(entry.path).st_mode
                except (OSError, ValueError):
                    out.append(f"{name(entry)}: cannot be read (a broken link?){NOT_REGULAR}")
                    continue
                if not inside:
                    out.append(f"{name(entry)}: a symbolic link to outside the repository{OUTSIDE}")
                elif S_ISDIR(mode):
                    if layout.loops(real, seen):
                        out.append(f"{name(entry)}: a link to a folder that holds it, or read already (a loop)")
                    else:
                        seen.add(real)
                        folders.append(entry.path)  # MkDocs reads a linked folder: so is it checked
                elif not S_ISREG(mode):
                    out.append(f"{name(entry)}: not a regular file (a FIFO, device or socket){NOT_REGULAR}")
            elif entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            elif not entry.is_file(follow_symlinks=False):
                out.append(f"{name(entry)}: not a regular file (a FIFO, device or socket){NOT_REGULAR}")
    return sorted(out)
