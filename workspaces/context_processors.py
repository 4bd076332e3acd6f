from django.utils.functional import SimpleLazyObject

from .shell import shell_context


def portal(request):
    """The branded shell's data, computed only when a portal template asks for it."""
    return {"portal": SimpleLazyObject(lambda: shell_context(request))}
