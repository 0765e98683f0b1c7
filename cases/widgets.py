"""Form widgets of the pages."""

from __future__ import annotations

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class OptionsSelect(forms.Select):
    """A <select> of many options written in one pass from plain (value, label) pairs: the same
    HTML as forms.Select, without a model instance and a template render per option (a city's
    ~600 judges cost ~60 ms a page that way). It renders only: the form's field still validates
    the value against its own (scoped) queryset. Escaped by the standard library's html.escape,
    as django.utils.html.escape does, without its lazy-string wrapper on each of ~1,400 calls."""

    def __init__(self, attrs=None, options=()):
        super().__init__(attrs)
        self.options = list(options)

    def render(self, name, value, attrs=None, renderer=None):
        values = value if isinstance(value, (list, tuple)) else [value]
        chosen = {str(item) for item in values if item is not None}
        if not chosen:
            chosen = {""}
        attributes = self.build_attrs(self.attrs, attrs)
        options = "\n".join(
            f'  <option value="{escape(str(option))}"'
            f"{' selected' if str(option) in chosen else ''}>{escape(str(label))}</option>"
            for option, label in self.options
        )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>', name, flatatt(attributes), mark_safe(options)
        )
