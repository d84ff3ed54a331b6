"""A bank's images: storing them (Django's default storage: the file system under MEDIA_ROOT, or S3 or
any django-storages backend in production). Who may see them: quizzes.accounts.access.get_media_to_show.

The rules on the bytes themselves (kinds, size, bombs, names, references) are quizzes.media's.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from quizzes import media
from quizzes.models import Bank, BankMedia


def store(bank: Bank, data: bytes, *, alt: str = "", user=None) -> BankMedia:
    """Keep `data` as one of `bank`'s images and return it (the one already kept, when the bank holds the
    same bytes). Raises media.MediaError for anything that is not an image we serve. The file is written
    once, under its content hash, and never overwritten: every bank holding it shares it."""
    info = media.inspect(data)
    existing = BankMedia.objects.filter(bank=bank, name=info.name).first()
    if existing is not None:
        if alt and not existing.alt:
            existing.alt = alt[: media.MAX_ALT]
            existing.save(update_fields=["alt"])
        return existing
    path = media.storage_name(info.name)
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(data))
        if saved != path:  # another process wrote the same bytes between our check and our save
            default_storage.delete(saved)
    return BankMedia.objects.create(
        bank=bank,
        name=info.name,
        content_type=info.content_type,
        size=info.size,
        width=info.width,
        height=info.height,
        alt=" ".join(alt.split())[: media.MAX_ALT],
        created_by=user if user is not None and user.is_authenticated else None,
    )


def read(name: str) -> bytes:
    with default_storage.open(media.storage_name(name), "rb") as stored:
        return stored.read()
