"""``/valida``: upload or drag a table file and read the validation report, in Italian or English.

The upload is read into memory up to the size limit (413 beyond it) and validated from memory, in a worker thread
(the readers keep no process-wide state): nothing is written to disk, nothing stays on the server.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from cowork_data import i18n
from cowork_data.errors import CoworkDataError
from cowork_data.readers import SUFFIXES
from cowork_data.validate.html import CSS, render_report

PAGE_CSS = CSS + """
#drop{border:2px dashed #888;border-radius:.5rem;padding:1.5rem;text-align:center;margin:1rem 0}
#drop.over{background:#eef5ff;border-color:#2a6ad1}.lang{float:right}.problem{color:#a11}
"""

SCRIPT = """
const drop = document.getElementById('drop'), input = document.getElementById('file');
const mark = on => ev => { ev.preventDefault(); drop.classList.toggle('over', on); };
['dragenter', 'dragover'].forEach(e => drop.addEventListener(e, mark(true)));
['dragleave', 'drop'].forEach(e => drop.addEventListener(e, mark(false)));
drop.addEventListener('drop', ev => { input.files = ev.dataTransfer.files; document.getElementById('form').submit(); });
"""


def routes() -> list[Route]:
    return [Route("/valida", page, methods=["GET"]), Route("/valida", upload, methods=["POST"])]


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "")
    return lang if lang in i18n.languages() else i18n.DEFAULT


def _page(lang: str, body: str = "", status: int = 200) -> HTMLResponse:
    t = i18n.Section("label.valida", lang)
    other = i18n.FALLBACK if lang == i18n.DEFAULT else i18n.DEFAULT
    html = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{t["title"]}</title>'
        f"<style>{PAGE_CSS}</style></head><body>"
        f'<a class="lang" id="switch-lang" href="/valida?lang={other}">{t["switch"]}</a>'
        f"<h1>{t['title']}</h1><p>{t['intro']}</p>"
        f'<form id="form" method="post" action="/valida?lang={lang}" enctype="multipart/form-data">'
        f'<div id="drop"><label for="file">{t["drop"]}</label><br>'
        f'<input type="file" id="file" name="file" accept="{",".join(SUFFIXES)}"></div>'
        f'<button type="submit" id="submit">{t["submit"]}</button></form>'
        f'<div id="report">{body}</div><script>{SCRIPT}</script></body></html>'
    )
    return HTMLResponse(html, status_code=status)


async def page(request: Request) -> HTMLResponse:
    return _page(_lang(request))


async def upload(request: Request) -> HTMLResponse:
    lang = _lang(request)
    t = i18n.Section("label.valida", lang)
    settings = request.app.state.settings
    limit = settings.max_upload_bytes
    too_big = _page(lang, f'<p class="problem" id="too-big">{t.format("too-big", mb=round(limit / 1048576, 1))}</p>',
                    413)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 65536:
        return too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit + 65536:  # the multipart envelope around the file is small
            return too_big

    async def receive() -> dict:
        return {"type": "http.request", "body": bytes(body), "more_body": False}

    form = await Request(request.scope, receive).form()
    try:
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            return _page(lang, f'<p class="problem">{t["no-file"]}</p>', 400)
        data = await upload.read()
        if len(data) > limit:
            return too_big
        name = Path(upload.filename).name
    finally:
        await form.close()
    try:
        report = await run_in_threadpool(_validate, data, name, settings.root)
    except CoworkDataError as exc:
        message, hint = exc.message(lang), exc.hint(lang)
        return _page(lang, f'<p class="problem" id="unreadable"><strong>{t["error"]}</strong>: {escape(message)}'
                           f"<br>{escape(hint)}</p>", 422)
    return _page(lang, f"<h2>{escape(name)}</h2>" + render_report(report, lang=lang))


def _validate(data: bytes, name: str, root: Path | None):  # noqa: ANN202 - Report
    from cowork_data.validate import validate_bytes

    return validate_bytes(data, name=name, root=root)
