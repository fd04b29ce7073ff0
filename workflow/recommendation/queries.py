"""Read-only queries of the recommendation step: which applications a recommender sees, as
SQL, the same answer as the predicates of recommendation/rules.py give one by one."""
from sqlalchemy import and_, case, false, or_, select

from workflow.calls.chains import Chain
from workflow.calls.models import Call
from workflow.core import regions
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.intake.models import Application
from workflow.organizations.models import Organization, OrgKind, OrgStatus
from workflow.recommendation.models import CountyPass
from workflow.recommendation.rules import is_county_unit


def _calls_with(chain: Chain):
    return Application.call_id.in_(select(Call.id).where(Call.recommendation_chain == chain))


def seen_by(org: Organization):
    """The applications (filed or not: the lists add their own filter) that the recommender
    unit `org` sees in every call: a county bureau those of its county in county, city
    chains; a city bureau those of its city in city chains and, in county, city chains,
    those passed up to it (or with no county known); any unit those of the units naming it
    their supervising department in department chains."""
    county_chain, department_chain = (_calls_with(Chain.COUNTY_CITY),
                                      _calls_with(Chain.DEPARTMENT))
    supervised = and_(department_chain, Application.lead_org_id.in_(
        select(Organization.id).where(Organization.supervising_org_id == org.id)))
    if is_county_unit(org):
        return or_(and_(county_chain, Application.county_code == org.region_code), supervised)
    if regions.level_of(org.region_code) is not regions.Level.CITY:
        return or_(false(), supervised)
    reached_city = or_(~county_chain, Application.county_code == Application.region_code,
                       Application.id.in_(select(CountyPass.application_id)))
    return or_(and_(Application.region_code == org.region_code, ~department_chain,
                    reached_city), supervised)


def waiting_for(org: Organization):
    """The applications waiting for `org`'s decision (SQL; as rules.is_holding_recommender
    answers one by one): submitted ones at the first level of their chain, and at the city
    those its counties passed up."""
    submitted = Application.state == AppState.SUBMITTED
    if is_county_unit(org):
        return and_(seen_by(org), submitted)
    at_city = or_(~_calls_with(Chain.COUNTY_CITY),
                  Application.county_code == Application.region_code)
    return and_(seen_by(org), or_(Application.state == AppState.COUNTY_PASSED,
                                  and_(submitted, at_city)))


def provincial_departments() -> list[Organization]:
    """The verified provincial government bodies a unit may name as its supervising
    department, by name."""
    return list(db.session.scalars(
        select(Organization).where(Organization.status == OrgStatus.VERIFIED,
                                   Organization.kind == OrgKind.GOVERNMENT,
                                   Organization.region_code.like("__0000"))
        .order_by(Organization.name)))


def resubmit_deadline():
    """SQL: until when a returned application of the row's call can be resubmitted: the
    first level's deadline (recommendation/actions revise_by says the same in words)."""
    return case((Call.recommendation_chain == Chain.COUNTY_CITY, Call.county_deadline),
                else_=Call.recommend_deadline)
