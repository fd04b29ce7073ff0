"""Read-only checks of the recommendation step: who recommends an application at which level
of its call's chain (recommendation/levels.py), what each level sees, and the guards.

These predicates read no HTTP state and import no permission module: lifecycle/permissions.py
asks them for the application page's readers."""
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.calls.chains import Chain, Level
from workflow.core import regions
from workflow.core.clock import now
from workflow.core.extensions import db
from workflow.core.states import UNFILED_STATES, AppState, Role
from workflow.intake.models import Application
from workflow.organizations.models import Organization, OrgStatus
from workflow.recommendation.levels import chain_of, first_level, last_level, settings_of
from workflow.recommendation.models import CountyPass, Recommendation


def _application(obj) -> Application | None:
    return obj if isinstance(obj, Application) else getattr(obj, "application", None)


def recommender_unit(user) -> Organization | None:
    """The verified unit of a user holding the recommender role; None for anyone else."""
    if (user is None or not getattr(user, "is_authenticated", False)
            or not user.has_role(Role.RECOMMENDER)):
        return None
    org = getattr(user, "organization", None)
    return org if org is not None and org.status == OrgStatus.VERIFIED else None


def is_county_unit(org: Organization) -> bool:
    return regions.level_of(org.region_code) is regions.Level.COUNTY


def recommends_at(org: Organization, app: Application, level: Level) -> bool:
    """Whether `org` is `app`'s recommender at `level` of its call's chain: the county bureau
    of its county, the bureau of its city, or the department its lead unit names."""
    if level not in chain_of(app.call).levels:
        return False
    if level is Level.COUNTY:
        return is_county_unit(org) and app.county_code == org.region_code
    if level is Level.CITY:
        return app.region_code == org.region_code
    return app.lead_org.supervising_org_id == org.id


def unit_level(call, org: Organization) -> Level | None:
    """The level `org` recommends at in the call's chain: a county bureau at the county
    level, any recommender at the department level of a department chain, a city bureau at
    the city level; None when the chain has no place for it."""
    levels = chain_of(call).levels
    if Level.DEPARTMENT in levels:
        return Level.DEPARTMENT
    if is_county_unit(org):
        return Level.COUNTY if Level.COUNTY in levels else None
    return Level.CITY if regions.level_of(org.region_code) is regions.Level.CITY else None


def holding_level(app: Application) -> Level | None:
    """The level that decides `app` now: the chain's first while it is submitted, the city
    once its county passed it up (or at once when no county is known for it); None when no
    recommender holds it."""
    if app.state == AppState.SUBMITTED:
        return Level.CITY if skips_county(app) else first_level(app.call)
    if app.state == AppState.COUNTY_PASSED:
        return Level.CITY
    return None


def is_holding_recommender(user, obj) -> bool:
    """The recommender whose turn it is: it returns, declines (and, as its level allows,
    recommends or passes up)."""
    app, org = _application(obj), recommender_unit(user)
    level = holding_level(app) if app is not None else None
    return org is not None and level is not None and recommends_at(org, app, level)


def is_deciding_recommender(user, obj) -> bool:
    """The holding recommender of the chain's last level: it recommends to the department."""
    app = _application(obj)
    return (is_holding_recommender(user, app)
            and holding_level(app) is last_level(app.call))


def is_passing_county(user, obj) -> bool:
    """The county bureau holding an application of a county, city chain: it passes it up."""
    app = _application(obj)
    return is_holding_recommender(user, app) and holding_level(app) is Level.COUNTY


def passed_up(app: Application) -> bool:
    return db.session.scalar(select(CountyPass.id).where(
        CountyPass.application_id == app.id)) is not None


def skips_county(app: Application) -> bool:
    """An application of a county, city chain whose lead unit names no county (its county
    code is its city's): no county bureau checks it, its city decides from the start."""
    return (chain_of(app.call) is Chain.COUNTY_CITY
            and regions.level_of(app.county_code) is not regions.Level.COUNTY)


def awaits_county(app: Application) -> bool:
    """In a county, city chain, the city sees an application only once its county passed it
    up (and until the city returns it to the county)."""
    return (chain_of(app.call) is Chain.COUNTY_CITY and not skips_county(app)
            and not passed_up(app))


def is_chain_recommender(user, obj) -> bool:
    """The recommenders before and beside the city that read a filed application: the county
    bureau of its county (county, city chain) and the department its lead unit names
    (department chain)."""
    app, org = _application(obj), recommender_unit(user)
    return (org is not None and app is not None and app.state not in UNFILED_STATES
            and (recommends_at(org, app, Level.COUNTY)
                 or recommends_at(org, app, Level.DEPARTMENT)))


def recommender_deadline(app: Application, actor) -> list[str]:
    """The deadline of the level holding `app`, or for a returned one of the level that
    returned it (the chain's first): after it that level decides nothing more, and the lead
    unit resubmits nothing more."""
    level = holding_level(app) or first_level(app.call)
    deadline = settings_of(app.call, level).deadline
    if deadline is not None and now() >= deadline:
        if level is Level.COUNTY:
            return [_("The county's deadline of this call has passed.")]
        return [_("The recommendation deadline of this call has passed.")]
    return []


def recommend_problems(app: Application, actor) -> list[str]:
    """The state change needs the Recommendation row that recommend_application writes."""
    problems = recommender_deadline(app, actor)
    if db.session.scalar(select(Recommendation.id).where(
            Recommendation.application_id == app.id)) is None:
        problems.append(_("Recommend with a rank and an opinion through the recommendation "
                          "form."))
    return problems


def pass_up_problems(app: Application, actor) -> list[str]:
    """The state change needs the CountyPass row that pass_up_application writes."""
    problems = recommender_deadline(app, actor)
    if not passed_up(app):
        problems.append(_("Pass up with a rank and an opinion through the pass-up form."))
    return problems
