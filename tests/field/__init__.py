"""The installed wheel in the field (`make field`, a stage of `make test`): for whoever
changes packaging or the commands; builds the wheel, installs it outside the checkout and
runs every `python -m korrigo_sentry` line the pages show."""
