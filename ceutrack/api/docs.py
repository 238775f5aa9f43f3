"""/api/docs/: Swagger UI from drf-spectacular-sidecar's vendored files (no CDN), under the
site's Content-Security-Policy: the page has no inline script or style, and its start-up
script is a separate same-origin file (`/api/docs/?script=`), so no exception is needed."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerUIView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    title = "ceutrack API"


swagger_ui = SwaggerUIView.as_view()
