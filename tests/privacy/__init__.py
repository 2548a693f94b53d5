"""The privacy pipeline's tests: for whoever changes korrigo_sentry.privacy or what the
SDK may collect; unit tests per module, the pipeline end to end, and the fuzz."""
