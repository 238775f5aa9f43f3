"""Emailed links follow the port `make run` serves when SITE_URL is not set."""

from ceutrack.settings import default_site_url


def test_it_links_to_port_8000_when_nothing_is_set():
    assert default_site_url() == "http://127.0.0.1:8000"


def test_it_follows_port_when_make_run_serves_elsewhere():
    assert default_site_url(port="8811") == "http://127.0.0.1:8811"


def test_it_prefers_the_web_port_over_a_worker_own_port():
    # honcho hands the worker PORT+100; make run exports the web's port as WEB_PORT.
    assert default_site_url(web_port="8811", port="8911") == "http://127.0.0.1:8811"


def test_it_ignores_blank_values():
    assert default_site_url(web_port=" ", port="") == "http://127.0.0.1:8000"
