"""Making the report's PDF reaches nothing outside the document: no request to any server, no
file read (ASVS 1.3.6 and 13.2.4), even if a URL found its way into the HTML."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from alongside.reports import render


def test_the_pdf_renderer_fetches_no_url_in_the_document(monkeypatch, tmp_path):
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = (
        f'<html><head><link rel="stylesheet" href="file://{secret}">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{server.server_port}/a.css"></head>'
        f'<body><img src="http://127.0.0.1:{server.server_port}/b.png">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">Hello</body></html>'
    )
    monkeypatch.setattr(render, "render_html", lambda content, **options: html)
    opened: list[str] = []
    real_open = open

    def watching_open(file, *args, **kwargs):  # noqa: ANN001, ANN202
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watching_open)
    try:
        pdf = render.render_pdf(None)  # type: ignore[arg-type]
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF")
    assert asked == []
    assert str(secret) not in opened
