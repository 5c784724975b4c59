"""Backup and restore of the database and the uploaded files (manage.py backup / restore).

A backup is a folder: `database.dump` (pg_dump's custom format) or `database.sqlite3` (SQLite's online backup),
`media.tar.gz` (every uploaded and generated file), and `manifest.json` (when, the row count of every table, and
the SHA-256 of both files, checked before a restore).
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone


class BackupError(Exception):
    pass


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts():
    """{table: rows} of every table of the platform's models (and of the libraries it uses)."""
    tables = sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)})
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            if table in present:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
    return counts


def restored_counts(db, tables):
    """{table: rows} of the given tables in another database (a DATABASES-style dict), outside Django's connections."""
    if "postgresql" in db["ENGINE"]:
        import psycopg

        link = psycopg.connect(dbname=db["NAME"], host=db.get("HOST") or None, port=db.get("PORT") or None,
                               user=db.get("USER") or None, password=db.get("PASSWORD") or None)  # fmt: skip
    else:
        link = sqlite3.connect(db["NAME"])
    try:  # table names come from the models (manifest), quoted as identifiers
        return {table: link.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}
    finally:
        link.close()


def _pg_env(db):
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db):
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    return args


def _run(command, env=None):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def backup(destination):
    """Write a backup into a new folder under `destination`; return its path."""
    target = Path(destination) / timezone.now().strftime("%Y%m%d-%H%M%S")
    target.mkdir(parents=True, exist_ok=False)
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        database = target / "database.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *_pg_args(db), "--file", str(database),
              db["NAME"]], env=_pg_env(db))  # fmt: skip
    elif connection.vendor == "sqlite":
        database = target / "database.sqlite3"
        source = sqlite3.connect(db["NAME"])
        with sqlite3.connect(database) as copy:
            source.backup(copy)
        source.close()
    else:
        raise BackupError(f"no backup for {connection.vendor}")
    media = target / "media.tar.gz"
    with tarfile.open(media, "w:gz") as archive:
        if Path(settings.MEDIA_ROOT).exists():
            archive.add(settings.MEDIA_ROOT, arcname="media")
    manifest = {
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "tables": table_counts(),
        "files": {path.name: _sha256(path) for path in (database, media)},
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return target


def read_manifest(folder):
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    for name, digest in manifest["files"].items():
        if _sha256(folder / name) != digest:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest


def restore(folder, *, database=None, media_root=None):
    """Load a backup into `database` (a DATABASES-style dict; an empty database) and the files under `media_root`.

    Returns the manifest. PostgreSQL: pg_restore; SQLite: the file is copied."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    db = database or settings.DATABASES["default"]
    if manifest["vendor"] == "postgresql":
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *_pg_args(db), "--dbname", db["NAME"],
              str(folder / "database.dump")], env=_pg_env(db))  # fmt: skip
    else:
        with sqlite3.connect(folder / "database.sqlite3") as source, sqlite3.connect(db["NAME"]) as copy:
            source.backup(copy)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "media.tar.gz", "r:gz") as archive:
        for member in archive.getmembers():
            if not (member.isfile() or member.isdir()) or not member.name.startswith("media"):
                continue  # nothing but files and folders under media/ (no links, devices or absolute paths)
            relative = Path(member.name).relative_to("media")
            target = (media_root / relative).resolve()
            if media_root.resolve() not in (target, *target.parents):
                raise BackupError(f"{member.name} would be written outside the media folder")
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, open(target, "wb") as out:
                    out.write(source.read())
    return manifest
