"""`flask stats --json` names each call's platform type, stage, department and region."""
import json

from tests.demo_programs import world
from workflow.demo import communities, manufacturing, seed


def _stats(app) -> dict:
    result = app.test_cli_runner().invoke(args=["stats", "--json"])
    assert result.exit_code == 0, result.output
    return {c["title"]: c for c in json.loads(result.output)["calls"]}


def test_stats_json_lists_each_call_with_its_platform_type_and_region(app, seeded):
    calls = _stats(app)

    assert set(calls) >= {seed.TITLE_2022, communities.TITLE,
                          manufacturing.CULTIVATION_TITLE, manufacturing.RECOGNITION_TITLE}
    for row in calls.values():
        assert row["platform_type"]["code"] and row["platform_type"]["name"]
        assert row["region"] == {"code": "370000", "name": "山东省"}
    assert calls[seed.TITLE_2022]["platform_type"] == {"code": "tech_innovation_center",
                                                       "name": "技术创新中心"}
    assert calls[communities.TITLE]["platform_type"]["code"] == "innovation_community"
    assert calls[communities.TITLE]["department"] == {"name": "山东省科学技术厅",
                                                      "office_code": "鲁科字"}
    recognition = calls[manufacturing.RECOGNITION_TITLE]
    assert (recognition["stage"], recognition["rolling"]) == ("recognition", True)
    assert recognition["department"]["office_code"] == "鲁工信技"
    assert calls[manufacturing.CULTIVATION_TITLE]["stage"] == "cultivation"
    assert calls[seed.TITLE_2022]["stage"] == ""
    assert calls[communities.TITLE]["total"] == len(world.applications(
        world.call(communities.TITLE)))
