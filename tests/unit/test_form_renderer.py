"""The form renderer (ceutrack/renderers.py): Django's widgets from their Jinja2 templates,
escaped as the Django ones are; widgets with Django-language templates only, from those."""

from django import forms
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template

from ceutrack.renderers import FormRenderer


def test_it_renders_django_widgets_from_their_jinja2_templates():
    renderer = FormRenderer()

    assert isinstance(renderer.get_template("django/forms/widgets/select.html"), Jinja2Template)


def test_it_escapes_what_a_person_typed_in_a_widget_value():
    html = forms.TextInput().render("title", '"><script>alert(1)</script>', renderer=FormRenderer())

    assert "<script>" not in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_it_renders_a_widget_that_has_only_a_django_template_from_that_template():
    renderer = FormRenderer()
    template = renderer.get_template(ReadOnlyPasswordHashWidget.template_name)

    assert isinstance(template, DjangoTemplate)
    assert "No password set." in ReadOnlyPasswordHashWidget().render("p", "", renderer=renderer)
