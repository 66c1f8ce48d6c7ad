"""Operations: readiness probe, worker heartbeat and Prometheus metrics (docs/monitoring.md)."""
