"""Fixtures for spider tests: the demonstration scenario (built once) and a served market."""

import pytest

from farmwatch.demo.market.server import start_market
from farmwatch.demo.scenario import build_scenario


@pytest.fixture(scope="session")
def scenario():
    return build_scenario(7)


@pytest.fixture(scope="module")
def market(scenario):
    server, base_url = start_market(scenario)
    yield server, base_url
    server.shutdown()
    server.server_close()
