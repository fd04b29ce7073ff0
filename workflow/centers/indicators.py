"""The quantitative indicators of a center (DOMAIN.md section 11), declared once: the task
book sets a baseline, yearly and final target for each, the annual reports give the year's
value, the statistics sum them. Money is in 10,000 yuan (万元), like the application's."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Indicator:
    code: str
    label: object
    unit: object
    money: bool = False
    # Where the application gives a baseline: (section key, field key).
    baseline_from: tuple[str, str] | None = None


INDICATORS: tuple[Indicator, ...] = (
    Indicator("rd_spending", _l("R&D spending"), _l("10,000 yuan"), money=True,
              baseline_from=("foundation", "rd_spend_y3")),
    Indicator("rd_staff", _l("R&D staff"), _l("people"), baseline_from=("foundation", "rd_staff")),
    Indicator("patents_applied", _l("Invention patents applied for"), _l("items")),
    Indicator("patents_granted", _l("Invention patents granted"), _l("items")),
    Indicator("standards", _l("Standards drafted"), _l("items")),
    Indicator("projects_national", _l("National projects undertaken"), _l("items")),
    Indicator("projects_provincial", _l("Provincial projects undertaken"), _l("items")),
    Indicator("funds_received", _l("Funds received for projects"), _l("10,000 yuan"), money=True),
    Indicator("transfer_revenue", _l("Revenue from transferred results"), _l("10,000 yuan"),
              money=True),
    Indicator("transfer_profit", _l("Profit from transferred results"), _l("10,000 yuan"),
              money=True),
    Indicator("incubated_enterprises", _l("Enterprises incubated"), _l("enterprises")),
    Indicator("sme_services", _l("Services to small and medium enterprises"), _l("times")),
)

BY_CODE = {i.code: i for i in INDICATORS}
