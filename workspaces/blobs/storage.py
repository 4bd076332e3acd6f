"""Where private blobs live: `storages["private"]`, a local directory or an S3 bucket.

A file field of any tool names `private_storage` (the callable, not the backend), so that its
migration stays the same in every environment and the storage is resolved when used: a test
or a deployment that swaps `STORAGES["private"]` swaps it for every field. Blobs are stored
under random names (`private_name`), never under what the user called the file, so that a
name can neither clash nor be guessed. Nothing in this storage has a public URL; it is only
ever handed out through `workspaces.blobs.serving` after an access check.
"""

import os
import secrets

from django.core.files.storage import storages


def private_storage():
    """The storage of every private blob (the `storage=` of private file fields)."""
    return storages["private"]


def private_name(*folders, filename=""):
    """A fresh, unguessable blob name under `folders` ("ws12", "reports"), keeping the short
    lower-cased extension of `filename` so that an operator listing the bucket sees the
    kind of each object."""
    ext = os.path.splitext(filename)[1].lower()[:10]
    return "/".join([*map(str, folders), secrets.token_hex(16) + ext])


def is_s3(storage):
    """Is `storage` a bucket of django-storages' S3 backend (served by presigned URLs)?"""
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages[s3] is a dependency
        return False
    return isinstance(storage, S3Storage)
