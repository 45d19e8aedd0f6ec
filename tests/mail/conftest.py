"""Mail test fixtures: `desk`, a workspace named Acme inside an app context."""
import pytest

from tests.factories import make_workspace


@pytest.fixture
def desk(app_context):
    return make_workspace(name="Acme")
