"""The order list, one order, placing and staff actions."""

from django.urls import path

from orders.views import buying, listing, order, placing

app_name = "orders"
urlpatterns = [
    path("", listing.index, name="index"),
    path("live/", listing.live, name="live"),
    path("bulk/", listing.bulk, name="bulk"),
    path("new/", placing.new, name="new"),
    path("mass/", placing.mass, name="mass"),
    path("buy/", buying.buy, name="buy"),
    path("<int:pk>/", order.detail, name="detail"),
    path("<int:pk>/refresh/", order.refresh, name="refresh"),
    path("<int:pk>/cancel/", order.cancel, name="cancel"),
    path("<int:pk>/refill/", order.refill, name="refill"),
    path("<int:pk>/panel-id/check/", order.check_panel_id, name="check_panel_id"),
    path("<int:pk>/resolve/", order.resolve, name="resolve"),
    path("<int:pk>/panel-id/correct/", order.correct_panel_id, name="correct_panel_id"),
    path("<int:pk>/reopen/", order.reopen, name="reopen"),
    path("<int:pk>/not-placed/", order.not_placed, name="not_placed"),
    path("<int:pk>/send-again/", order.send_again, name="send_again"),
]
