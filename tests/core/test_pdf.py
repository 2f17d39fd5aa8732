"""Shared PDF rendering: the right language and direction, vendored fonts, nothing fetched."""

import subprocess

import pytest
from django.template import engines

from pcms.core.pdf import PdfError, render_pdf


def fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def template(tmp_path, settings):
    (tmp_path / "doc.html").write_text(
        '{% extends "core/pdf/base.html" %}{% load i18n %}'
        '{% block body %}<h1>{% translate "Home" %}</h1><p>{{ body }}</p>{% endblock %}')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    engines._engines = {}
    engines.__dict__.pop("templates", None)
    yield "doc.html"
    engines.__dict__.pop("templates", None)


@pytest.mark.parametrize("language,expected", [("fr", "Accueil"), ("en", "Home"), ("ar", "الرئيسية")])
def test_document_is_rendered_in_the_language_asked_for(template, tmp_path, language, expected):
    pdf = render_pdf(template, {"body": "Niamey"}, language)
    assert pdf.startswith(b"%PDF")
    assert expected in text(pdf, tmp_path)


def test_arabic_uses_the_vendored_naskh_font_and_latin_the_vendored_sans(template, tmp_path):
    pdf = render_pdf(template, {"body": "محمد ولد عبد الله — Mohamed"}, "ar")
    embedded = fonts(pdf, tmp_path)
    assert "Noto-Naskh-Arabic" in embedded


def test_document_cannot_load_anything_from_the_network(tmp_path, settings):
    (tmp_path / "leak.html").write_text(
        '{% extends "core/pdf/base.html" %}{% block body %}'
        '<img src="https://example.org/track.png"><img src="file:///etc/passwd">{% endblock %}')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    engines.__dict__.pop("templates", None)
    try:
        from unittest import mock

        with mock.patch("urllib.request.OpenerDirector.open", side_effect=AssertionError("fetched")):
            pdf = render_pdf("leak.html", {}, "fr")
    finally:
        engines.__dict__.pop("templates", None)
    assert pdf.startswith(b"%PDF")


def test_unknown_language_is_refused(template):
    with pytest.raises(PdfError):
        render_pdf(template, {}, "xx")
