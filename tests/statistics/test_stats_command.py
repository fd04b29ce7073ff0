"""`flask stats --json` keeps its per-call counts and gains the centers after their notice,
from the same queries as the statistics page; the plain output gains one line of them."""
import json

from tests.statistics.world import build
from workflow.statistics import queries
from workflow.statistics.rules import Scope


def test_stats_json_keeps_the_calls_and_gains_the_centers(app):
    world = build()

    output = json.loads(app.test_cli_runner().invoke(args=["stats", "--json"]).output)

    calls = {c["title"]: c for c in output["calls"]}
    assert calls["2022年技术创新中心"]["by_state"]["revoked"] == 1
    assert set(calls["2022年技术创新中心"]) >= {"call_id", "title", "year", "state", "total",
                                            "by_state", "by_city", "by_field"}
    centers = output["centers"]
    assert centers["by_status"] == {"approved": 2, "under_construction": 1, "operating": 2,
                                    "rectification": 1, "not_accepted": 1, "revoked": 1}
    assert centers["approved_by_year"] == {"2022": 6, "2024": 2, "2026": 0}
    assert centers["by_city"]["济南市"] == {"approved": 3, "active": 3, "rank": 1}
    assert centers["by_lead_kind"] == {"enterprise": 4, "academic": 3, "other": 1}
    assert centers["funds"]["2022"]["total"] == 1900
    assert centers["by_grade"] == {"2025": {"excellent": 2, "good": 1, "qualified": 0,
                                            "unqualified": 1}}
    assert centers["indicators"]["2024"] == {"patents_applied": 5.0, "rd_spending": 200.5,
                                             "standards": 2.0}
    assert "2025" not in centers["indicators"]  # filed, not accepted yet
    assert centers == queries.summary(Scope(2022, 2027))
    assert world.calls["planned2027"].title not in centers["approved_by_year"]


def test_stats_text_gains_a_line_of_centers(app):
    build()

    output = app.test_cli_runner().invoke(args=["stats"]).output

    assert output.splitlines()[-1] == ("centers: approved 2, under_construction 1, operating 2, "
                                       "rectification 1, not_accepted 1, revoked 1")
