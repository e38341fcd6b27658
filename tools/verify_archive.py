#!/usr/bin/env python3
"""Check a zhengcai procurement archive offline: no database, no Django, no network.

    python3 tools/verify_archive.py ARCHIVE.zip [--key platform-key.pem] [--sha256 HEX]

The archive is a ZIP holding `manifest.json` (every item with its SHA-256 and size),
`manifest.sig` (the platform's Ed25519 signature over the manifest's exact bytes, base64) and
`platform-key.pem` (the platform's public key). The check passes when the signature verifies,
every listed item is present with its digest and size, and nothing unlisted is inside.
Pass `--key` with the platform key obtained independently (the platform publishes it at
GET /api/v1/bidding/platform-key) so an archive re-signed with another key is refused too, and
`--sha256` with the file digest the platform recorded at sealing (archive page, audit log) so
that a change to any byte of the file — even one no item covers — is refused.
Exit status 0 when the archive is intact, 1 otherwise (each problem printed).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import zipfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

FORMAT = "zhengcai-archive/1"
FRAME = ("manifest.json", "manifest.sig", "platform-key.pem")


def _same_key(a: str, b: str) -> bool:
    return a.strip().replace("\r", "") == b.strip().replace("\r", "")


def verify(path: Path, key_pem: str | None = None, file_sha256: str | None = None) -> list[str]:
    """The problems found in the archive at `path` (empty: intact)."""
    if file_sha256 is not None:
        whole = hashlib.sha256(path.read_bytes()).hexdigest()
        if whole != file_sha256.strip().lower():
            return [f"the file's SHA-256 is {whole}, the platform recorded {file_sha256}"]
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"not a readable archive: {exc}"]
    with z:
        names = set(z.namelist())
        missing_frame = [n for n in FRAME if n not in names]
        if missing_frame:
            return [f"missing {n}" for n in missing_frame]
        manifest_bytes = z.read("manifest.json")
        signature = z.read("manifest.sig").decode().strip()
        embedded = z.read("platform-key.pem").decode()
        problems: list[str] = []
        if key_pem is not None and not _same_key(key_pem, embedded):
            problems.append("the archive is signed with a key other than the platform's")
        try:
            public = load_pem_public_key(embedded.encode())
            assert isinstance(public, Ed25519PublicKey)
            public.verify(base64.b64decode(signature), manifest_bytes)
        except (InvalidSignature, ValueError, AssertionError):
            problems.append("the manifest signature does not verify")
        try:
            manifest = json.loads(manifest_bytes)
        except ValueError:
            return [*problems, "the manifest is not JSON"]
        if manifest.get("format") != FORMAT:
            problems.append(f"unknown format {manifest.get('format')!r}")
        listed = set()
        for item in manifest.get("items", []):
            name = item["name"]
            listed.add(name)
            if name not in names:
                problems.append(f"missing item {name}")
                continue
            try:
                data = z.read(name)
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                problems.append(f"{name}: damaged ({exc})")
                continue
            if len(data) != item["size"]:
                problems.append(f"{name}: size {len(data)}, manifest says {item['size']}")
            if hashlib.sha256(data).hexdigest() != item["sha256"]:
                problems.append(f"{name}: SHA-256 does not match the manifest")
        for extra in sorted(names - listed - set(FRAME)):
            problems.append(f"unlisted item {extra}")
        return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a zhengcai archive offline.")
    parser.add_argument("archive", type=Path)
    parser.add_argument("--key", type=Path, help="the platform's public key (PEM)")
    parser.add_argument(
        "--sha256", help="the file's SHA-256 as the platform recorded it (archive page, audit log)"
    )
    args = parser.parse_args(argv)
    key = args.key.read_text() if args.key else None
    problems = verify(args.archive, key, args.sha256)
    if problems:
        for p in problems:
            print(f"FAIL {p}")
        return 1
    with zipfile.ZipFile(args.archive) as z:
        manifest = json.loads(z.read("manifest.json"))
    project = manifest.get("project", {})
    print(
        f"OK {project.get('project_no', '')} {project.get('name', '')}: "
        f"{len(manifest.get('items', []))} items, sealed {manifest.get('sealed_at')}, "
        f"keep until {manifest.get('retain_until')}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
