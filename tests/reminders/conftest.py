from tests.payments.conftest import node, official_schemas, site, validate  # noqa: F401
