import pytest
from live.tests.test_browser_event import _serial_live_server  # noqa
pytestmark = [pytest.mark.django_db(transaction=True)]
def test_x(_serial_live_server, live_server):
    from django.db import connection
    print("HTTPD", type(live_server.thread.httpd), connection.settings_dict["NAME"], live_server.thread.connections_override)
