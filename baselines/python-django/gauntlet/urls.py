"""The catalogue's routes (docs/contract.md, "Endpoints").

Path parameters use the `segment` converter (api.converters): one raw segment, percent-decoded,
`%2F` included. Values are validated in the views, so a bad one is a 422 naming the parameter
rather than a 404. A short code is the exception: `/{code}` is only 7 base62 characters, anything
else an unknown route."""

from django.urls import path, re_path, register_converter

from api import views
from api.converters import Segment

register_converter(Segment, "segment")

urlpatterns = [
    # basic
    path("plaintext", views.plaintext),
    path("json", views.json_serialization),
    path("health", views.health),
    path("echo", views.echo),
    # json
    path("json/small", views.json_small),
    path("json/medium", views.json_medium),
    path("json/large", views.json_large),
    # path
    path("path/simple/<segment:id>", views.path_simple),
    path("path/multiple/<segment:user_id>/<segment:post_id>", views.path_multiple),
    path("path/deep/<segment:org>/<segment:team>/<segment:project>/<segment:resource>/<segment:id>", views.path_deep),
    path("path/int/<segment:n>", views.path_int),
    path("path/uuid/<segment:uuid>", views.path_uuid),
    path("path/date/<segment:date>", views.path_date),
    # query
    path("query/few", views.query_few),
    path("query/medium", views.query_medium),
    path("query/many", views.query_many),
    # form
    path("form/simple", views.form_simple),
    path("form/complex", views.form_complex),
    # multipart
    path("upload", views.upload),
    # mixed
    path("api/v1/users/<segment:id>/posts", views.create_post),
    # stress
    path("stress/cpu/<segment:n>", views.stress_cpu),
    path("stress/memory/<segment:mb>", views.stress_memory),
    # db
    path("db/items", views.items_view),
    path("db/items/<segment:id>", views.get_item),
    path("db/random", views.db_random),
    path("db/queries", views.db_queries),
    path("api/v1/recipes", views.recipes),
    # shortener: /{code} last, so that it shadows no other route
    path("api/shorten", views.shorten),
    path("api/stats/<segment:code>", views.click_stats),
    re_path(r"^(?P<code>[0-9A-Za-z]{7})$", views.redirect),
]

handler400 = views.handler400
handler404 = views.handler404
handler500 = views.handler500
