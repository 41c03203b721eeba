from tests.payments.conftest import official_schemas, site, validate  # noqa: F401
