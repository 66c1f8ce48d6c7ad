from kontor.webhooks.tests.receiver import immediate, receiver  # noqa: F401 - fixtures
