"""WARC in and out: every response a run fetches is archived (warcio, gzip per record), and existing WARC
files (our own archives, Common Crawl CC-NEWS) are read back as a source.
"""

from __future__ import annotations

import datetime as dt
import glob
import io
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.crawl.discovery import parse_timestamp
from pipeline.errors import ConfigError

logger = logging.getLogger(__name__)

# aiohttp hands us decoded bodies, so the archived headers must not claim an encoding any more.
_DROP_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class WarcResponse:
    """One HTTP response record read from a WARC file."""

    url: str
    status: int
    content_type: str | None
    body: bytes
    fetched_at: dt.datetime | None
    warc_path: str
    warc_offset: int


class WarcArchive:
    """Writes response records to one ``.warc.gz`` file, opened on the first write."""

    def __init__(self, path: Path, *, software: str) -> None:
        self.path = path
        self.software = software
        self._file: BinaryIO | None = None
        self._writer: WARCWriter | None = None

    def write_response(
        self, url: str, *, status: int, reason: str, headers: list[tuple[str, str]], body: bytes,
        fetched_at: dt.datetime,
    ) -> tuple[str, int]:
        """Append one response record; returns (warc path, byte offset of the record)."""
        writer, file = self._open()
        kept = [(k, v) for k, v in headers if k.lower() not in _DROP_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http_headers,
            warc_headers_dict={"WARC-Date": fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")},
        )
        offset = file.tell()
        writer.write_record(record)
        file.flush()
        return str(self.path), offset

    def _open(self) -> tuple[WARCWriter, BinaryIO]:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("ab")
            self._writer = WARCWriter(self._file, gzip=True)
            info = self._writer.create_warcinfo_record(self.path.name, {"software": self.software, "format":
                                                                        "WARC File Format 1.0"})
            self._writer.write_record(info)
        assert self._file is not None
        return self._writer, self._file

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._writer = None


BUNDLED_DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def warc_roots(data_root: str, extra: Iterable[str] = ()) -> list[Path]:
    """Folders a registry's ``warc`` paths may reach: the (local) data root, the project's bundled
    ``data/`` folder (the sample archive) and ``extra`` (setting ``crawl.warc_roots``, ``crawl --warc-root``)."""
    roots = [BUNDLED_DATA_DIR, *(Path(r) for r in extra)]
    if "://" not in data_root or data_root.startswith("file://"):
        roots.insert(0, Path(data_root.removeprefix("file://")))
    return [r.resolve() for r in roots]


def resolve_warc_paths(pattern: str, registry_dir: str, roots: Sequence[Path] | None = None) -> list[Path]:
    """Files matching ``pattern``: relative to the registry's folder first, then to the CWD.

    With ``roots``, every file (symlinks resolved) must lie inside one of them: a registry cannot make the
    crawler read ``/etc/*`` or another user's files into the lake.
    """
    candidates = [pattern] if Path(pattern).is_absolute() else [str(Path(registry_dir) / pattern), pattern]
    for candidate in candidates:
        found = sorted(Path(p) for p in glob.glob(candidate) if Path(p).is_file())
        if found:
            _check_inside(pattern, found, roots)
            return found
    raise ConfigError(f"no WARC file matches {pattern!r} (looked under {registry_dir} and the current folder)")


def _check_inside(pattern: str, found: list[Path], roots: Sequence[Path] | None) -> None:
    if roots is None:
        return
    for path in found:
        if not any(path.resolve().is_relative_to(root) for root in roots):
            raise ConfigError(
                f"warc path {pattern!r} reaches {path}, outside the allowed folders "
                f"({', '.join(map(str, roots))}); allow its folder with `crawl --warc-root DIR` or the "
                "setting crawl.warc_roots"
            )


def iter_warc_responses(path: Path, *, max_bytes: int) -> Iterator[WarcResponse]:
    """HTTP response records of a WARC file (bodies de-chunked, decompressed, cut at ``max_bytes``)."""
    resolved = str(path.resolve())
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                body = record.content_stream().read(max_bytes)
                offset = records.get_record_offset()  # only valid once the content was read
                yield WarcResponse(
                    url=record.rec_headers.get_header("WARC-Target-URI") or "",
                    status=int(record.http_headers.get_statuscode() or 0),
                    content_type=record.http_headers.get_header("Content-Type"),
                    body=body,
                    fetched_at=parse_timestamp(record.rec_headers.get_header("WARC-Date")),
                    warc_path=resolved,
                    warc_offset=offset,
                )
        except ArchiveLoadFailed as exc:
            raise ConfigError(f"{path}: not a readable WARC file: {exc}") from exc

