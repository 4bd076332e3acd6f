"""Private blobs: what every tool uses for the files it receives, stores and hands out.

- `validation`: the checks on an uploaded file (type decided from its content against the
  allow-list `PORTAL_UPLOAD_ALLOWED_TYPES`, size, an extension that agrees with the content)
  and on every name a user types;
- `uploads`: receiving files, with the size limit applied while the body streams in, and one
  list of refusals naming each refused file;
- `storage`: the private storage (a local directory or S3) and blob names;
- `serving`: handing out a stored blob or bytes made for the request (PDFs, zips) with the
  same protective headers;
- `zipstream`: zip archives streamed while they are built.

A tool imports the module it needs (`from workspaces.blobs import serving`); nothing here
knows any tool.
"""
