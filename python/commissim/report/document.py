"""A report as Markdown (REPORT.md, figures beside it) and as one self-contained HTML page
(report.html: the same text, the figures inlined, opens offline)."""
from __future__ import annotations

import base64
import html
import os
import re
from typing import List, Sequence

CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem;
       color: #1d232a; line-height: 1.45; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #1f77b4; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ccd; }
h3 { font-size: 1.1rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .88rem; }
th, td { border: 1px solid #ccd; padding: .25rem .5rem; vertical-align: top; }
th { background: #eef2f7; text-align: left; }
tr:nth-child(even) td { background: #f8f9fb; }
img { max-width: 100%; height: auto; border: 1px solid #e3e6ea; margin: .5rem 0; }
code { background: #f1f3f5; padding: 0 .2rem; border-radius: 3px; font-size: .9em; }
p.summary { background: #f3f8fd; border-left: 4px solid #1f77b4; padding: .6rem .8rem; }
"""

# Counts the charts the browser decoded, so a headless browser (the test) can tell they render.
SCRIPT = """
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  document.body.setAttribute('data-charts', String(imgs.length));
  document.body.setAttribute('data-charts-rendered', String(imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length));
});
"""


SUMMARY_OPEN, SUMMARY_CLOSE = '<p class="summary" markdown="1">', "</p>"


def _inert(line: str) -> str:
    """A Markdown line with no HTML of its own: a label or title from a study file (`<script>`)
    shows as text on the page; code spans are left to Markdown, which escapes them itself."""
    def text(t: str) -> str:
        parts = re.split(r"(`[^`]*`)", t)
        return "".join(p if p.startswith("`") else p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for p in parts)
    if line.startswith(SUMMARY_OPEN) and line.endswith(SUMMARY_CLOSE):
        return SUMMARY_OPEN + text(line[len(SUMMARY_OPEN):-len(SUMMARY_CLOSE)]) + SUMMARY_CLOSE
    return text(line)


# Marks of a report commissim wrote (REPORT.md's last line, report.html's head): `run`, `sweep`,
# `merge`, `compare` and `calibrate` remove a marked report, and its figures/, when they write new
# results into its folder (OutputFolder.swift, `Report`); an unmarked file of that name is the user's.
MARK_MD = "<!-- commissim report: made from the results in this folder, and removed when they are written again -->"
MARK_HTML = '<meta name="generator" content="commissim report">'


class Document:
    def __init__(self, title: str):
        self.title = title
        self.lines: List[str] = [f"# {title}", ""]

    def heading(self, text: str, level: int = 2) -> None:
        self.lines += ["#" * level + " " + text, ""]

    def para(self, text: str) -> None:
        self.lines += [text, ""]

    def summary(self, text: str) -> None:
        """The plain-words summary, set apart in the HTML page."""
        self.lines += [SUMMARY_OPEN + text + SUMMARY_CLOSE, ""]

    def bullets(self, items: Sequence[str]) -> None:
        self.lines += [f"- {i}" for i in items] + [""]

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        if not rows:
            return
        cell = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
        self.lines.append("| " + " | ".join(cell(h) for h in header) + " |")
        self.lines.append("|" + "---|" * len(header))
        self.lines += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
        self.lines.append("")

    def figure(self, path: str, alt: str) -> None:
        """A figure file (relative to the report's folder)."""
        self.lines += [f"![{alt}]({path})", ""]

    def markdown(self) -> str:
        """REPORT.md: the text, then the mark a command writing new results into the folder looks
        for before it removes the report made from the old ones (README, "Files are written")."""
        return self._text() + "\n" + MARK_MD + "\n"

    def _text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"

    def html(self, folder: str) -> str:
        """The page: Markdown rendered by the `markdown` package, every figure inlined."""
        import markdown  # noqa: PLC0415

        body = markdown.markdown("\n".join(_inert(line) for line in self._text().split("\n")),
                                 extensions=["tables", "md_in_html"], output_format="html")

        def inline(m):
            src = html.unescape(m.group(1))
            path = os.path.join(folder, src)
            if src.startswith(("data:", "http:", "https:")) or not os.path.exists(path):
                return m.group(0)
            kind = "image/svg+xml" if src.endswith(".svg") else "image/png"
            with open(path, "rb") as f:
                data = base64.b64encode(f.read()).decode("ascii")
            return f'src="data:{kind};base64,{data}"'

        body = re.sub(r'src="([^"]+)"', inline, body)
        return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" + MARK_HTML + "\n"
                f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{html.escape(self.title)}</title>\n"
                f"<style>{CSS}</style>\n<script>{SCRIPT}</script>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
