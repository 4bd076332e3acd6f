"""What every response handing private bytes to a user must carry, stored blob or bytes made
for the request (a PDF, a zip): checked on the real responses of each tool."""


def assert_served_safely(response, filename, inline=False):
    """The browser is told the type is final (no sniffing), that the content may run nothing
    (a sandboxing CSP that loads nothing but itself), how to save it under a safe name, and
    that no shared cache may keep it."""
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    directives = [d.strip() for d in csp.split(";")]
    assert "default-src 'none'" in directives and "sandbox" in directives
    assert "form-action 'none'" in directives and "base-uri 'none'" in directives
    assert "script-src" not in csp and "allow-scripts" not in csp
    if inline:
        assert "frame-ancestors 'self'" in directives
        assert response["X-Frame-Options"] == "SAMEORIGIN"
    else:
        assert "frame-ancestors 'none'" in directives
        assert response["X-Frame-Options"] == "DENY"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;" if inline else "attachment;")
    assert f'filename="{filename}"' in disposition
    assert response["Cache-Control"].startswith("private")
