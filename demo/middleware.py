"""A stand-in for Django's authentication: every request comes from one signed-in teacher."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class DemoUser:
    """Just what Sentry's Django integration and the seed's example read from a user."""

    id: int = 42
    username: str = "teacher.demo"
    email: str = "teacher.demo@korrigo.example"
    is_authenticated: bool = True

    @property
    def pk(self) -> int:
        return self.id

    def get_username(self) -> str:
        return self.username


#: The user every demo request carries.
DEMO_USER = DemoUser()


def demo_user_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Attach `DEMO_USER` as `request.user` (no database, no session)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request.user = DEMO_USER
        return get_response(request)

    return middleware
