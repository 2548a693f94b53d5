"""The incident drills as tests (`make drills` in `make test`, `make drills-full` in CI):
for whoever changes a runbook or the drills; needs redis-server (README)."""
