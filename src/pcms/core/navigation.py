"""The navigation bar and the home page, assembled from what each app registers.

An app adds its menu entries and home-page panels in its AppConfig.ready(); the layout shows each
user only the entries and panels of their roles. A new capability plugs in without editing the
layout. An entry may show a count (what awaits the user) from a callable it registers.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    icon: str
    roles: tuple[str, ...] = ()  # empty: every signed-in user
    order: int = 100
    badge: Callable[[object], int] | None = field(default=None, compare=False)  # user -> count

    @property
    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return "#"


@dataclass(frozen=True)
class HomePanel:
    template: str
    roles: tuple[str, ...] = ()
    order: int = 100


_MENU: list[MenuItem] = []
_PANELS: list[HomePanel] = []


def register_menu(*items: MenuItem) -> None:
    _MENU.extend(item for item in items if item not in _MENU)


def register_panels(*panels: HomePanel) -> None:
    _PANELS.extend(panel for panel in panels if panel not in _PANELS)


def _allowed(user, roles: tuple[str, ...]) -> bool:
    return user.is_authenticated and (not roles or user.has_role(*roles))


def menu_for(user) -> list[MenuItem]:
    return sorted((item for item in _MENU if _allowed(user, item.roles)), key=lambda i: i.order)


@dataclass(frozen=True)
class MenuEntry:
    """A menu item as one user sees it, with its count (0 when it has none)."""

    label: str
    url: str
    icon: str
    count: int = 0


def entries_for(user) -> list[MenuEntry]:
    return [MenuEntry(item.label, item.url, item.icon, item.badge(user) if item.badge else 0)
            for item in menu_for(user)]


def panels_for(user) -> list[HomePanel]:
    return sorted((p for p in _PANELS if _allowed(user, p.roles)), key=lambda p: p.order)
