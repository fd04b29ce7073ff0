"""The recommender's queue evaluates the eligibility of a page of applications at once
(eligibility.evaluate_many): the same results as each application's own evaluation, in the
same statements for two applications as for many."""
from tests import factories
from tests.calls.test_eligibility import approved, filed_draft, one_rule, platform
from tests.web.test_queries import counted_statements
from workflow.core.extensions import db
from workflow.intake.rules import eligibility


def passed(results, code: str) -> bool:
    (found,) = [r for r in results if r.code == code]
    return found.passed


def test_the_batched_eligibility_is_each_applications_own():
    lead = factories.applicant()
    alone = approved(lead)  # approved itself: neither its field nor its lead is taken by another
    taken = filed_draft({"rules": eligibility.DEFAULT_RULES}, lead)  # both taken by `alone`
    elsewhere = approved(fields=["海水淡化"])
    other_type = filed_draft(one_rule("not_excluded_platform", "key_laboratory"), lead,
                             call=factories.call(eligibility=one_rule(
                                 "not_excluded_platform", "key_laboratory")))
    apps = [alone, taken, elsewhere, other_type]
    db.session.commit()
    own = {app.id: eligibility.evaluate(app) for app in apps}
    with counted_statements() as few:
        eligibility.evaluate_many(apps[:2])
    with counted_statements() as many:
        batched = eligibility.evaluate_many(apps)
    assert batched == own
    assert len(many) == len(few) <= 3
    assert [passed(own[a.id], "field_free") for a in (alone, taken, elsewhere)] == [
        True, False, True]
    assert [passed(own[a.id], "not_excluded_platform") for a in apps] == [
        True, False, True, True]
    (rule,) = own[other_type.id]
    assert rule.label.endswith(platform("key_laboratory").name)  # the type's name, not its code
