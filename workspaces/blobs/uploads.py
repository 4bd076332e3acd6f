"""Receiving uploaded files: the one way every upload view of every tool takes them.

Django stores an uploaded file (in memory, or in a temporary file past 2.5 MB) before any view
code runs. The handler here sits first in the chain: it compares the request's Content-Length
with `settings.PORTAL_UPLOAD_MAX_REQUEST_BYTES`, counts each file's bytes as they arrive, and
skips a file the moment it passes `settings.PORTAL_UPLOAD_MAX_BYTES`: the handlers after it
close (and so delete) what they had written, and the rest of that file is read and dropped.
What was refused, and why, is kept for the view: `refused(request)`.

Upload handlers must be in place before anything reads `request.POST` or `request.FILES`, and
Django's CSRF middleware reads `request.POST`. So an upload view is CSRF-exempt on the
outside and checks CSRF itself after installing the handler. `limit_uploads` does both, and
`UploadViewMixin` (class-based views, the admin's and the portal's alike) is built on it:

    class Upload(UploadViewMixin, WorkspaceViewMixin, View):
        def get_upload_target(self, *args, **kwargs):   # 404 before the body is read
            return self.get_folder(kwargs["pk"], "upload")

        def receive(self, request, folder):
            stored, refusals = uploads.store_each(
                request, "file", lambda upload: services.add_file(folder, upload))

`store_each` gives one list of refusals, each a sentence naming the file, whether the file
was dropped for its size while streaming in or refused by the tool's service (whose checks
are `workspaces.blobs.validation.check_upload`).
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from . import validation

_ATTRIBUTE = "_portal_upload_refusals"


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of each uploaded file and skips those over the limit. Passes every
    chunk it keeps on to the next handler; stores nothing itself."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.PORTAL_UPLOAD_MAX_BYTES
        self.request_limit = settings.PORTAL_UPLOAD_MAX_REQUEST_BYTES
        self.body_length = None
        self.body_too_large = False
        self.file_count = 0
        self.refusing = False
        self.refused = []  # [(name, reason)]: reason "file" or "body"
        if request is not None:
            setattr(request, _ATTRIBUTE, [])

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.body_length = content_length
        if content_length and content_length > self.request_limit:
            # No file of this request will be stored; the small form fields (the CSRF token)
            # are still read so that the view can answer with a message.
            self.body_too_large = True
        return None

    def new_file(self, field_name, file_name, content_type, content_length, charset=None,
                 content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset,
                         content_type_extra)
        self.file_count += 1
        self.refusing = self.body_too_large or (
            content_length is not None and content_length > self.limit)
        # Refused on the first chunk, not here: the handlers after this one have then opened
        # their file for THIS upload, and Django closes (deletes) exactly that one.

    def receive_data_chunk(self, raw_data, start):
        if self.refusing or start + len(raw_data) > self.limit:
            self.refused.append((self.file_name, "body" if self.body_too_large else "file"))
            self._publish()
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None

    def upload_complete(self):
        self._publish()

    def _publish(self):
        if self.request is None:
            return
        alone = self.file_count <= 1
        refusals = []
        for name, reason in self.refused:
            if reason == "file" or alone:
                message = validation.too_large_message(name, self.limit)
            else:
                message = _("“%(name)s” was not stored: the files sent together "
                            "(%(total)s) are over the %(limit)s limit. Send them one at "
                            "a time.") % {
                    "name": validation.display_name(name),
                    "total": validation.human_size(self.body_length or 0),
                    "limit": validation.human_size(self.limit)}
            refusals.append((name, message))
        setattr(self.request, _ATTRIBUTE, refusals)


def install(request):
    """Put the limiting handler first in `request`'s upload handlers. Call it before anything
    touches request.POST or request.FILES (see the module's docstring about CSRF)."""
    if hasattr(request, "_files"):
        raise RuntimeError("workspaces.blobs.uploads.install() must run before request.POST "
                           "or request.FILES is read (use limit_uploads or UploadViewMixin: "
                           "see workspaces/blobs/uploads.py).")
    if not any(isinstance(h, LimitedUploadHandler) for h in request.upload_handlers):
        request.upload_handlers.insert(0, LimitedUploadHandler(request))


def refused(request):
    """[(uploaded name, message)] for each file of this request refused for its size. The
    message is a whole sentence naming the file; the name is as the browser sent it (match it
    to the file picked, never show it unescaped)."""
    return list(getattr(request, _ATTRIBUTE, []))


def limit_uploads(view):
    """Decorator for a function upload view: installs the handler, then checks CSRF."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        install(request)
        return csrf_protect(view)(request, *args, **kwargs)

    return csrf_exempt(wrapped)


class UploadViewMixin:
    """For class-based views that receive files. `post` resolves `get_upload_target(*args,
    **kwargs)` first (raise Http404 there, before a byte of the body is read), then installs
    the limit, checks CSRF and calls `receive(request, target)`."""

    @classmethod
    def as_view(cls, **initkwargs):
        # The CSRF middleware must not read the body: CSRF is checked in `post`, after the
        # handler is in (see `limit_uploads`).
        return csrf_exempt(super().as_view(**initkwargs))

    def get_upload_target(self, *args, **kwargs):
        return None

    def post(self, request, *args, **kwargs):
        target = self.get_upload_target(*args, **kwargs)
        return limit_uploads(lambda request: self.receive(request, target))(request)

    def receive(self, request, target):
        raise NotImplementedError


def store_each(request, field, store, many=True):
    """Store each file sent in `field` with `store(upload)` (the tool's service, which checks
    it and raises ValidationError to refuse it); with `many=False`, only the first. Returns
    (stored, refusals): `store`'s result for each accepted file in the order sent, and
    [(uploaded name, message)] for each refused one, those dropped while streaming in first."""
    uploads = request.FILES.getlist(field)  # reads the body, through the limit
    refusals = refused(request)
    if not many:
        uploads = uploads[:1]
    stored = []
    for upload in uploads:
        try:
            stored.append(store(upload))
        except ValidationError as error:
            refusals.append((upload.name, " ".join(str(m) for m in error.messages)))
    return stored, refusals
