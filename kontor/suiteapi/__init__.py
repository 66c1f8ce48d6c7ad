"""SuiteCRM's APIs served by Kontor: the V8 JSON:API, the legacy v4_1 REST API and the
web-to-lead capture entry points, on Kontor's records and permissions, so that a client
written for SuiteCRM only changes its base URL (docs/suitecrm-api.md)."""
