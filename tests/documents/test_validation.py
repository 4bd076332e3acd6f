"""Bad input: every upload goes through documents.services.add_file, which checks it with
workspaces.blobs.validation; oversized request bodies are cut off by workspaces.blobs.uploads
while they stream in. Each test asserts the message a person sees AND that nothing was stored."""

import io
import os
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory, override_settings

from documents import services
from documents.models import File, FileVersion
from tests.samples import pdf_bytes, png_bytes, upload
from workspaces.blobs import uploads, validation

pytestmark = pytest.mark.django_db


def private_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def folder(world):
    return services.create_folder(world.ws_a, "Shared", user=world.staff,
                                  grants={"view": {"everyone": True}})


def refused(folder, name, content, content_type="application/octet-stream"):
    """Upload that must be refused: returns the message; asserts nothing was stored."""
    files_before, rows_before = private_files(), File.objects.count()
    versions_before = FileVersion.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.add_file(folder, upload(name, content, content_type))
    assert private_files() == files_before
    assert File.objects.count() == rows_before
    assert FileVersion.objects.count() == versions_before
    return caught.value.messages[0]


def stored(folder, name, content, content_type="application/octet-stream"):
    before = private_files()
    file = services.add_file(folder, upload(name, content, content_type))
    version = file.current_version
    assert version.blob.name in private_files() - before
    with version.blob.open("rb") as fh:
        assert fh.read() == content
    return file


# ------------------------------------------------------------------------------ size

@override_settings(PORTAL_UPLOAD_MAX_BYTES=1024 * 1024)
def test_oversized_file_is_refused_with_the_limit_in_human_units(folder):
    big = pdf_bytes() + b"%" + b"x" * (1024 * 1024)
    message = refused(folder, "big.pdf", big, "application/pdf")
    assert message == "“big.pdf” is larger than the 1\N{NO-BREAK SPACE}MB limit."


def test_zero_byte_file_is_refused(folder):
    assert refused(folder, "empty.pdf", b"") == "“empty.pdf” is empty (0 bytes)."


def test_human_sizes():
    assert validation.human_size(1024**3) == "1\N{NO-BREAK SPACE}GB"
    assert validation.human_size(int(1.5 * 1024**2)) == "1.5\N{NO-BREAK SPACE}MB"
    assert validation.human_size(500) == "500 bytes"


# ------------------------------------------------------------------------------ types

def test_html_named_png_is_refused(folder):
    html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    message = refused(folder, "photo.png", html, "image/png")
    assert message == "“photo.png” is an HTML page. This kind of file is not accepted."


@pytest.mark.parametrize("content", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
])
@pytest.mark.parametrize("name", ["logo.svg", "logo.png"])
def test_svg_is_refused(folder, content, name):
    message = refused(folder, name, content, "image/svg+xml")
    assert message.startswith(f"“{name}” is an SVG image")
    assert message.endswith("This kind of file is not accepted.")


@pytest.mark.parametrize("content", [
    b"\n\n   <script>fetch('/steal?c=' + document.cookie)</script>",
    b"<iframe src=https://evil.example></iframe> and some text after it",
    "\ufeff<html><body>hi</body></html>".encode("utf-16"),
    b"\xef\xbb\xbf<!-- hidden --><b>bold</b>",
])
def test_html_hiding_in_a_text_file_is_refused(folder, content):
    message = refused(folder, "notes.txt", content, "text/plain")
    assert message == "“notes.txt” is an HTML page. This kind of file is not accepted."


def test_programs_and_xml_are_refused(folder):
    with open("/bin/ls", "rb") as fh:
        program = fh.read(64 * 1024)
    assert "is a program" in refused(folder, "invoice.pdf", program, "application/pdf")
    assert "is an XML file" in refused(folder, "data.xml", b'<?xml version="1.0"?><a/>')
    assert "is a script" in refused(folder, "run.txt", b"#!/bin/sh\nrm -rf ~\n")


def test_javascript_named_as_such_is_refused_by_its_extension(folder):
    message = refused(folder, "app.js", b"var x = document.cookie;\nsend(x);\n")
    assert message == ("“app.js” is a text file, but its name ends in “.js”. Rename it to end "
                       "in “.txt” and upload it again.")


def test_type_comes_from_the_content_not_from_the_browser(folder):
    file = stored(folder, "report.pdf", pdf_bytes(), "text/html")
    assert file.content_type == file.current_version.content_type == "application/pdf"


def test_extension_must_agree_with_the_content(folder):
    message = refused(folder, "scan.png", pdf_bytes(), "image/png")
    assert message == ("“scan.png” is a PDF document, but its name ends in “.png”. Rename it "
                       "to end in “.pdf” and upload it again.")


def test_a_name_without_extension_gets_the_one_of_its_content(folder):
    assert stored(folder, "scan", pdf_bytes()).name == "scan.pdf"
    assert stored(folder, "chart", png_bytes()).name == "chart.png"


def test_allow_list_is_a_setting(folder):
    assert stored(folder, "notes.txt", b"plain notes\n").content_type == "text/plain"
    with override_settings(PORTAL_UPLOAD_ALLOWED_TYPES=["application/pdf"]):
        message = refused(folder, "more.txt", b"plain notes\n")
    assert message == "“more.txt” is a text file. This kind of file is not accepted."


def _zip(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


def test_office_files_are_told_apart_by_content(folder):
    docx = _zip([("docProps/app.xml", "<a/>"), ("[Content_Types].xml", "<Types/>"),
                 ("word/document.xml", "<w/>")])
    assert stored(folder, "letter.docx", docx).content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    odt = _zip([("mimetype", "application/vnd.oasis.opendocument.text"),
                ("content.xml", "<office/>")])
    assert stored(folder, "letter.odt", odt).content_type == (
        "application/vnd.oasis.opendocument.text")
    plain = _zip([("a.txt", "hello")])
    assert stored(folder, "bundle.zip", plain).content_type == "application/zip"
    assert "is a ZIP archive, but its name ends in “.docx”" in refused(
        folder, "fake.docx", plain)


def test_office_files_with_macros_are_refused(folder):
    docm = _zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w/>"),
                 ("word/vbaProject.bin", "macro")])
    message = refused(folder, "letter.docx", docm)
    assert message == ("“letter.docx” is an Office document with macros. This kind of file "
                       "is not accepted.")


# ------------------------------------------------------------------------------ names

@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system32\\report.pdf", "report.pdf"),
    ("/etc/cron.d/job.pdf", "job.pdf"),
    ("C:\\Users\\ann\\Desktop\\salaries.pdf", "salaries.pdf"),
    ("C:salaries.pdf", "salaries.pdf"),
    ("evil.php\x00.pdf", "evil.php.pdf"),
    ("report.pdf\r\nContent-Type: text/html\r\n\r\n.pdf", "html.pdf"),
    ("report\r\nSet-Cookie: a=b.pdf", "report Set-Cookie_ a=b.pdf"),
    ("\x07bell\x1b[31mred\x7f.pdf", "bell [31mred.pdf"),
    ("invoice\u202efdp.exe.pdf", "invoicefdp.exe.pdf"),
    ("zero\u200bwidth\ufeff.pdf", "zerowidth.pdf"),
    ("..\uff0f..\uff0fsecret\uff0epdf", "secret.pdf"),
    ("a\u2215b\u2044c.pdf", "c.pdf"),
    ("\uff52\uff45\uff50\uff4f\uff52\uff54.pdf", "report.pdf"),
    ("  lots   of\tspace  .pdf", "lots of space.pdf"),
    (".hidden.pdf", "hidden.pdf"),
    ("trailing.pdf. . ", "trailing.pdf"),
    ("CON.pdf", "_CON.pdf"),
    ("lpt1.pdf", "_lpt1.pdf"),
    ('what?<b>"x"|y*.pdf', "what__b__x__y_.pdf"),
])
def test_names_are_cleaned_never_trusted(folder, name, expected):
    file = stored(folder, name, pdf_bytes())
    assert file.name == expected
    assert file.current_version.original_name == expected
    # The blob is named by a random token inside the workspace's directory.
    blob = file.current_version.blob.name
    assert blob.startswith(f"ws{folder.workspace_id}/") and blob.endswith(".pdf")
    assert os.path.realpath(file.current_version.blob.path).startswith(
        os.path.realpath(settings.PRIVATE_MEDIA_ROOT) + os.sep)


def test_a_300_character_name_is_shortened_keeping_its_extension(folder):
    file = stored(folder, "x" * 300 + ".pdf", pdf_bytes())
    assert file.name == "x" * 196 + ".pdf"
    assert len(file.name) == validation.MAX_NAME


@pytest.mark.parametrize("name", ["   ", "...", ". . .", "\x00\x01", "\u202e"])
def test_a_name_with_nothing_left_is_refused(folder, name):
    assert refused(folder, name, pdf_bytes()) == "Please give the file a name."
    for bare in ("", "../", "/", "C:\\"):
        with pytest.raises(ValidationError):
            validation.clean_name(bare)
    with pytest.raises(ValidationError) as caught:
        services.create_folder(folder.workspace, name)
    assert caught.value.messages == ["Please give the folder a name."]


def test_folder_names_are_cleaned(folder):
    created = services.create_folder(folder.workspace, "../..\uff0fQ1\u202e 2026\r\n")
    assert created.name == "Q1 2026"


def test_two_files_with_the_same_name_do_not_overwrite(folder):
    first = stored(folder, "report.pdf", pdf_bytes(pages=1))
    second = stored(folder, "report.pdf", pdf_bytes(pages=2))
    third = stored(folder, "REPORT.pdf", pdf_bytes(pages=3))
    assert [first.name, second.name, third.name] == [
        "report.pdf", "report (2).pdf", "REPORT (3).pdf"]
    blobs = {f.current_version.blob.name for f in (first, second, third)}
    assert len(blobs) == 3 and blobs <= private_files()
    with first.current_version.blob.open("rb") as fh:
        assert fh.read() == pdf_bytes(pages=1)


# ------------------------------------------------------------------------------ upload handler

def _view(request):
    """What an upload view does: read the files, report the refused ones."""
    kept = {name: f.read() for name, f in request.FILES.items()}
    return HttpResponse(repr((sorted(kept), uploads.refused(request))))


def _post(files, **extra):
    factory = RequestFactory()
    csrf_request = factory.get("/")
    token = get_token(csrf_request)
    data = {"csrfmiddlewaretoken": token, **files}
    request = factory.post("/upload/", data, **extra)
    request.COOKIES[settings.CSRF_COOKIE_NAME] = csrf_request.META["CSRF_COOKIE"]
    return request


@pytest.fixture
def temp_uploads(tmp_path):
    with override_settings(PORTAL_UPLOAD_MAX_BYTES=100_000,
                           PORTAL_UPLOAD_MAX_REQUEST_BYTES=400_000,
                           FILE_UPLOAD_MAX_MEMORY_SIZE=10_000, FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        yield tmp_path


def test_upload_handler_drops_an_oversized_file_while_streaming(temp_uploads):
    seen = []

    @uploads.limit_uploads
    def view(request):
        response = _view(request)
        seen.append(sorted(p.name for p in temp_uploads.iterdir()))
        return response

    big = io.BytesIO(b"B" * 150_000)
    big.name = "big.iso"
    small = io.BytesIO(b"S" * 50_000)
    small.name = "small.pdf"
    request = _post({"a": small, "b": big})
    response = view(request)
    request.close()  # as Django does at the end of every request
    assert response.status_code == 200
    kept, refusals = eval(response.content)  # noqa: S307 - our own repr
    assert kept == ["a"]  # the small file went through, in full
    assert refusals == [("big.iso", "“big.iso” is larger than the 97.7\xa0KB limit.")]
    # While the view ran, only the small file's temporary file existed; none is left.
    assert len(seen[0]) == 1
    assert list(temp_uploads.iterdir()) == []


def test_upload_handler_refuses_a_body_over_the_request_limit(temp_uploads):
    @uploads.limit_uploads
    def view(request):
        return _view(request)

    files = {}
    for index in range(5):
        part = io.BytesIO(b"x" * 90_000)
        part.name = f"part{index}.pdf"
        files[f"f{index}"] = part
    request = _post(files)
    kept, refusals = eval(view(request).content)  # noqa: S307
    request.close()
    assert kept == []
    assert [name for name, _ in refusals] == [f"part{i}.pdf" for i in range(5)]
    total = validation.human_size(int(request.META["CONTENT_LENGTH"]))
    assert total.startswith("440")
    assert refusals[0][1] == (f"“part0.pdf” was not stored: the files sent together "
                              f"({total}) are over the 97.7\xa0KB limit. Send them one at "
                              f"a time.")
    assert list(temp_uploads.iterdir()) == []


def test_upload_handler_keeps_csrf_protection(temp_uploads):
    @uploads.limit_uploads
    def view(request):
        return _view(request)

    data = io.BytesIO(b"data")
    data.name = "a.txt"
    request = RequestFactory().post("/upload/", {"a": data})
    assert view(request).status_code == 403


def test_install_after_the_body_was_read_is_an_error(temp_uploads):
    data = io.BytesIO(b"data")
    data.name = "a.txt"
    request = _post({"a": data})
    request.POST  # noqa: B018 - reading the body, as CSRF middleware would
    with pytest.raises(RuntimeError):
        uploads.install(request)
