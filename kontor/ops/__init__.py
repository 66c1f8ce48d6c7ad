"""Operations: readiness probe, worker heartbeat and Prometheus metrics (docs/operations.md)."""
