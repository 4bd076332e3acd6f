"""A folder as a zip archive, streamed: never built in memory or on disk.

`zipfile` writes to a sink that cannot seek (so it puts each entry's sizes and CRC in a data
descriptor after the entry's bytes); whatever the sink has received is handed out as a chunk
of the response, and each file's blob is read from the storage in chunks. Memory stays at a
few chunks whatever the size of the folder.
"""

import os
import zipfile

CHUNK = 256 * 1024


class _Sink:
    """A write-only, non-seekable file object that collects what zipfile writes."""

    def __init__(self):
        self._parts = []

    def write(self, data):
        self._parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self._parts)
        self._parts = []
        return data


def _zip_time(moment):
    # Zip timestamps start in 1980 and carry no time zone.
    stamp = moment.timetuple()[:6] if moment else (1980, 1, 1, 0, 0, 0)
    return stamp if stamp[0] >= 1980 else (1980, 1, 1, 0, 0, 0)


def _safe_part(name):
    """One path component of an archive name: never a separator, never "." or ".."."""
    name = str(name).replace("/", "_").replace("\\", "_").replace("\x00", "").strip()
    return name if name not in {"", ".", ".."} else "_"


class ArchiveNames:
    """Archive paths, unique without regard to case (extracting on Windows or macOS
    would otherwise let one entry overwrite another)."""

    def __init__(self):
        self._taken = set()

    def claim(self, parts, is_dir=False):
        parts = [_safe_part(p) for p in parts]
        stem, ext = (parts[-1], "") if is_dir else os.path.splitext(parts[-1])
        candidate, n = parts[-1], 2
        while "/".join(parts[:-1] + [candidate]).lower() in self._taken:
            candidate, n = f"{stem} ({n}){ext}", n + 1
        parts[-1] = candidate
        path = "/".join(parts)
        self._taken.add(path.lower())
        return path + ("/" if is_dir else "")


def stream_zip(entries, chunk_size=CHUNK):
    """Yield the bytes of a zip archive.

    `entries`: an iterable of (archive path, fieldfile or None, size, modified) in order;
    a path ending with "/" and no fieldfile is a (possibly empty) folder.
    """
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, fieldfile, size, modified in entries:
            info = zipfile.ZipInfo(path, date_time=_zip_time(modified))
            if fieldfile is None:
                info.external_attr = 0o40755 << 16 | 0x10
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, b"")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                # A known size lets zipfile choose zip64 for entries over 4 GB.
                info.file_size = size or 0
                with fieldfile.open("rb") as source, archive.open(info, "w") as target:
                    while True:
                        data = source.read(chunk_size)
                        if not data:
                            break
                        target.write(data)
                        if sink._parts:
                            yield sink.take()
            chunk = sink.take()
            if chunk:
                yield chunk
    tail = sink.take()
    if tail:
        yield tail
