"""What one user's dashboard holds: report figures for everyone, exchange panels by role."""

from dataclasses import dataclass, field

from pcms.analysis import exchange, stats
from pcms.analysis.stats import Figures, Filters, Table

# Exchange panels and the roles that see them; report figures show to every operational role.
EXCHANGE_PANELS = {
    "open_requests": ("officer", "supervisor", "analyst"),
    "answer_delays": ("supervisor", "analyst", "dpo"),
    "exchange_volume": ("supervisor", "analyst", "dpo"),
}


@dataclass
class Dashboard:
    filters: Filters
    figures: Figures
    tables: dict[str, Table] = field(default_factory=dict)
    hits_this_week: int | None = None

    @property
    def report_tables(self) -> list[Table]:
        return [self.tables[key] for key in ("over_time", "by_category", "by_country", "by_region")]

    @property
    def exchange_tables(self) -> list[Table]:
        return [table for key, table in self.tables.items() if key in EXCHANGE_PANELS]


def build(user, filters: Filters) -> Dashboard:
    figures = stats.dashboard_figures(user, filters)
    board = Dashboard(filters, figures, {table.key: table for table in figures.tables()})
    if exchange.available():
        makers = {"open_requests": lambda: exchange.open_requests(user),
                  "answer_delays": lambda: exchange.answer_delays(user, filters),
                  "exchange_volume": lambda: exchange.volume(user, filters)}
        for key, roles in EXCHANGE_PANELS.items():
            if user.has_role(*roles):
                board.tables[key] = makers[key]()
        board.hits_this_week = exchange.hits_this_week(user)
    return board
