"""`korrigo_sentry.oncall.where`: where on-call steps run, read from oncall.yaml.

Each value is written here as a reader of the runbooks must see it: the compose command of
the seed guide's file in Compose v2's spelling, the containers a step runs in, the review
period. `read` is called on a file written by the test, so the cached `oncall()` of the
package never answers for it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from inline_snapshot import snapshot

from korrigo_sentry.korrigo import ComposeFile, Korrigo, Service, korrigo
from korrigo_sentry.oncall.where import ONCALL_YAML, Compose, OnCall, Place, oncall, read
from korrigo_sentry.yaml_model import DataFileError
from tests.wording import placeholders

SAMPLE = """\
review_period_days: 30
compose:
  command: podman compose
  file: deploy/compose.yml
places:
  api:
    label: Shell in the API container
    service: api
    open: python manage.py shell
  laptop:
    label: Your own terminal
  numbers:
    label: 7
    service: 8
"""


@pytest.fixture
def sample(tmp_path: Path) -> OnCall:
    path = tmp_path / "oncall.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    return read(path)


def test_read_gives_every_key_of_the_file(sample: OnCall) -> None:
    assert sample == OnCall(
        review_period_days=30,
        compose=Compose(command="podman compose", file="deploy/compose.yml"),
        places={
            "api": Place(
                id="api",
                label="Shell in the API container",
                service="api",
                open="python manage.py shell",
            ),
            "laptop": Place(id="laptop", label="Your own terminal"),
            # YAML numbers read as the text written
            "numbers": Place(id="numbers", label="7", service="8"),
        },
    )
    assert sample.compose == "podman compose -f deploy/compose.yml"


def test_a_step_in_a_container_is_typed_on_the_host_through_compose(sample: OnCall) -> None:
    assert sample.exec_in("api", "python -m korrigo_sentry doctor") == (
        "podman compose -f deploy/compose.yml exec api python -m korrigo_sentry doctor"
    )


def test_a_place_without_a_container_is_refused_in_one_sentence(sample: OnCall) -> None:
    with pytest.raises(ValueError, match="is not a container") as raised:
        sample.exec_in("laptop", "make drill")
    assert str(raised.value) == snapshot("'laptop' is not a container: run 'make drill' as it is")


def test_an_unknown_place_names_the_known_ones(sample: OnCall) -> None:
    with pytest.raises(ValueError, match="unknown place") as raised:
        sample.place("db")
    assert str(raised.value) == snapshot(
        "unknown place 'db' in oncall.yaml; known: api, laptop, numbers"
    )


def test_a_runbook_is_overdue_only_past_the_review_period(sample: OnCall) -> None:
    reviewed = dt.date(2026, 11, 1)
    assert not sample.review_overdue(reviewed, dt.date(2026, 12, 1))  # 30 days: on time
    assert sample.review_overdue(reviewed, dt.date(2026, 12, 2))  # 31 days: overdue
    assert not sample.review_overdue(reviewed, reviewed)


def test_the_package_reads_its_own_oncall_yaml() -> None:
    assert Path(__file__).resolve().parents[1] / "korrigo_sentry/data/oncall.yaml" == ONCALL_YAML
    assert read() == read(ONCALL_YAML) == oncall()
    assert oncall().compose == "docker compose -f infra/docker/docker-compose.local-prod.yml"
    assert oncall().review_period_days == 180
    assert oncall().exec_in("worker", "celery inspect ping") == (
        "docker compose -f infra/docker/docker-compose.local-prod.yml exec celery "
        "celery inspect ping"
    )  # the worker's role names Korrigo's `celery` service (korrigo.yaml)


ROLES = """\
review_period_days: 30
compose:
  command: docker compose
  file: deploy/compose.yml
places:
  api:
    label: Shell in the API container
    role: web
"""


def facts_with(path: str, *services: tuple[str, str]) -> Korrigo:
    """Korrigo's facts with one compose file: `path` and its (name, role) services."""
    cited = korrigo().celery  # any cited fact: its source, excerpt and date
    made = tuple(
        Service(name=name, role=role, env_file=False, source=cited.source,  # type: ignore[arg-type]
                excerpt=cited.excerpt, checked=cited.checked)
        for name, role in services
    )  # fmt: skip
    compose_file = ComposeFile(path=path, services=made)
    return korrigo().model_copy(update={"compose_files": (compose_file,)})


def test_a_role_names_the_service_playing_it(tmp_path: Path) -> None:
    path = tmp_path / "oncall.yaml"
    path.write_text(ROLES, encoding="utf-8")
    oncall_file = read(path, facts_with("deploy/compose.yml", ("gunicorn", "web")))
    assert (
        oncall_file.exec_in("api", "ls") == "docker compose -f deploy/compose.yml exec gunicorn ls"
    )


def test_a_role_the_compose_file_lacks_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "oncall.yaml"
    path.write_text(ROLES, encoding="utf-8")
    with pytest.raises(DataFileError) as raised:
        read(path, facts_with("deploy/compose.yml", ("db", "database")))
    assert placeholders(str(raised.value), tmp=tmp_path) == snapshot(
        "<tmp>/oncall.yaml: deploy/compose.yml has no 'web' service in korrigo.yaml (roles: database); fix oncall.yaml or korrigo.yaml"
    )
