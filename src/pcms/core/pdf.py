"""PDF documents (certificates, reports, bulletins) rendered from Django templates with WeasyPrint.

A document is an HTML template that extends `core/pdf/base.html`, rendered in the language asked
for (not the reader's interface language), right to left in Arabic. The fonts come from the vendored
Noto Sans and Noto Naskh Arabic (static/vendor/fonts), so a node without any system font still
shapes Arabic correctly. WeasyPrint may read only those static files and `data:` URLs: a template
can never make the node fetch anything from the network.
"""

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

PACKAGE_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = Path(__file__).resolve().parent / "static"
FONTS_CSS = STATIC_DIR / "vendor" / "fonts" / "fonts.css"


class PdfError(RuntimeError):
    """The document could not be produced."""


def _allowed_roots() -> list[Path]:
    """Every app's static folder, and the collected static files."""
    roots = [path.resolve() for path in PACKAGE_DIR.glob("*/static")]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _fetcher():
    """A WeasyPrint fetcher that serves `data:` URLs and files under the static folders only."""
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file://"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not (path.is_file() and any(path.is_relative_to(r) for r in _allowed_roots())):
                    raise PdfError(f"a PDF document may not load {url[:200]!r}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols=("file", "data"))


def static_path(name: str) -> str:
    """The file URI of a static file, for `<img src>` or `url()` in a PDF template."""
    found = finders.find(name)
    if not found:
        raise PdfError(f"static file {name!r} not found")
    return Path(found).resolve().as_uri()


@cache
def _stylesheets():
    from weasyprint import CSS

    return [CSS(filename=str(FONTS_CSS), url_fetcher=_fetcher())]


def render_pdf(template_name: str, context: dict, language: str) -> bytes:
    """Render `template_name` in `language` (fr, en or ar) and return the PDF's bytes."""
    from weasyprint import HTML

    if language not in dict(settings.LANGUAGES):
        raise PdfError(f"unknown language {language!r}")
    with translation.override(language):
        html = render_to_string(template_name, {**context, "pdf_language": language,
                                                "pdf_bidi": translation.get_language_bidi()})
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_fetcher())
    return document.write_pdf(stylesheets=_stylesheets())
