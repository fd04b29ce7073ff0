"""Reading the vocabulary of technical fields: the terms grouped under their priority
industries for the pickers of calls and experts, terms by name (with the closest ones for a
name that is none), and how well an expert's fields match an application's (the affinity of
review/operations/assignment.py, and its SQL twin for the counts of
review/queries/eligible_experts.py).

A term belongs to one priority industry: its parent, or itself when it is one; an unsorted
term without a parent belongs to none and matches only itself."""
from dataclasses import dataclass, field
from difflib import get_close_matches

from sqlalchemy import case, func, select

from workflow.core.clock import now
from workflow.core.extensions import db
from workflow.vocabulary.models import FieldTerm
from workflow.vocabulary.taxonomy import DEFAULT_TAXONOMY

EXACT, SAME_INDUSTRY = 3, 1


@dataclass
class Group:
    """An industry with its fields, for a picker or the vocabulary page; `industry` is None
    for the unsorted terms that have no industry."""

    industry: FieldTerm | None
    terms: list[FieldTerm] = field(default_factory=list)

    @property
    def all_terms(self) -> list[FieldTerm]:
        return ([self.industry] if self.industry is not None else []) + self.terms


def all_terms() -> list[FieldTerm]:
    """Every term, retired ones too, in the vocabulary's order: one statement."""
    return list(db.session.scalars(select(FieldTerm).order_by(
        FieldTerm.position, FieldTerm.name, FieldTerm.id)))


def grouped(terms: list[FieldTerm], *, keep: set[int] = frozenset(),
            retired: bool = False) -> list[Group]:
    """`terms` under their industries, industries in order, the unsorted without one last.
    Retired terms are left out unless `retired` or their id is in `keep` (the terms a call
    or an expert has already)."""
    shown = [t for t in terms if retired or t.retired_at is None or t.id in keep]
    groups = {t.id: Group(t) for t in shown if t.is_industry}
    loose = Group(None)
    for term in shown:
        if term.is_industry:
            continue
        group = groups.get(term.parent_id) if term.parent_id is not None else None
        if group is None and term.parent_id is not None:
            continue  # under a retired industry that is not shown: offered nowhere
        (group or loose).terms.append(term)
    return [*groups.values(), *([loose] if loose.terms else [])]


def choices(keep: set[int] = frozenset()) -> list[Group]:
    """What a picker offers: the active terms, and the retired ones in `keep`."""
    return grouped(all_terms(), keep=keep)


def terms_by_ids(ids) -> list[FieldTerm]:
    """The terms of `ids` in the order given; unknown ids are left out."""
    ids = list(dict.fromkeys(ids))
    found = {t.id: t for t in db.session.scalars(select(FieldTerm).where(FieldTerm.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def by_name(names) -> dict[str, FieldTerm]:
    """The terms of `names` (compared without case), by the name given, in its order."""
    names = list(names)
    found = {t.name.lower(): t for t in db.session.scalars(select(FieldTerm).where(
        func.lower(FieldTerm.name).in_([n.lower() for n in names])))}
    return {n: found[n.lower()] for n in names if n.lower() in found}


def closest(name: str, terms: list[FieldTerm], n: int = 3) -> list[str]:
    """The names of up to `n` active terms most like `name`: those containing it or contained
    in it first, then those of similar spelling."""
    names = [t.name for t in terms if t.retired_at is None]
    containing = [t for t in names if name and (name in t or t in name)]
    similar = get_close_matches(name, names, n=n, cutoff=0.4)
    return list(dict.fromkeys(containing + similar))[:n]


def affinity(expert_terms: list[FieldTerm], wanted: FieldTerm | None) -> int:
    """EXACT when the expert has the term asked for, SAME_INDUSTRY when a term of the same
    priority industry, else 0 (not assignable)."""
    if wanted is None:
        return 0
    if any(t.id == wanted.id for t in expert_terms):
        return EXACT
    industry = wanted.industry_id
    if industry is not None and any(t.industry_id == industry for t in expert_terms):
        return SAME_INDUSTRY
    return 0


def industry_sql(term):
    """FieldTerm.industry_id as SQL, for `term` (the class or an alias)."""
    return case((term.parent_id.is_not(None), term.parent_id),
                (term.unsorted, None), else_=term.id)


def ensure_defaults() -> int:
    """Fill an empty vocabulary with the default one (the migration does so on a new
    database; the demo and tests start from an empty table). Returns the terms added."""
    if db.session.scalar(select(FieldTerm.id).limit(1)) is not None:
        return 0
    at = now()
    industries = [FieldTerm(name=name, position=n, created_at=at)
                  for n, name in enumerate(DEFAULT_TAXONOMY)]
    db.session.add_all(industries)
    db.session.flush()
    fields = [FieldTerm(name=name, parent_id=industry.id, position=n, created_at=at)
              for industry in industries
              for n, name in enumerate(DEFAULT_TAXONOMY[industry.name])]
    db.session.add_all(fields)
    db.session.flush()
    return len(industries) + len(fields)
