"""A tiny SMTP server for the production smoke test: it accepts every message (no TLS, no
authentication) and writes each one to DIR/<n>.eml. Loopback only.

Usage: python scripts/smtp_sink.py PORT DIR
"""

import socketserver
import sys
import threading
from pathlib import Path


class SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        self.reply("220 smoke-sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode("latin-1").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-smoke-sink")
                self.reply("250 8BITMIME")
            elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                self.server.store(self.read_data())
                self.reply("250 OK: queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def read_data(self):
        lines = []
        while True:
            line = self.rfile.readline()
            if not line or line in (b".\r\n", b".\n"):
                return b"".join(lines)
            # Dot-stuffing: a leading dot was doubled by the client.
            lines.append(line[1:] if line.startswith(b"..") else line)


class SinkServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port, directory):
        super().__init__(("127.0.0.1", port), SMTPHandler)
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.lock = threading.Lock()

    def store(self, message):
        with self.lock:
            self.count += 1
            path = self.directory / f"{self.count:04d}.eml"
        path.with_suffix(".tmp").write_bytes(message)
        path.with_suffix(".tmp").rename(path)  # readers never see half a message


if __name__ == "__main__":
    port, directory = int(sys.argv[1]), sys.argv[2]
    with SinkServer(port, directory) as server:
        server.serve_forever()
