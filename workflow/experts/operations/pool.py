"""The expert pool: reading an officer's Excel or CSV file and importing it all or nothing,
the empty template of that file, and the pool's list."""
import csv
import io
import re

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import raiseload, selectinload

from workflow.accounts.models.users import User, UserRole
from workflow.accounts.operations import account_links
from workflow.accounts.operations.accounts import create_user, find_user_by_email
from workflow.core import audit, clock, creditcode, reference
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import Role
from workflow.experts.models import Expert, ExpertField
from workflow.lifecycle.permissions import can
from workflow.vocabulary import rules as vocabulary
from workflow.vocabulary.models import FieldTerm
from workflow.web.queries import search
from workflow.web.queries.lists import Page, paginate

# An officer never scores (DOMAIN.md section 2): their address cannot be an expert's login.
NOT_EXPERTS = frozenset({Role.OFFICER, Role.LEADER})

# The columns of the file, by key, with the Chinese header the template writes; a file may
# head each column with either the Chinese header or the key itself.
HEADERS = {
    "name": "姓名", "employer": "工作单位", "employer_credit_code": "统一社会信用代码",
    "city": "所在市", "title": "职称", "fields": "技术领域", "birth_year": "出生年份",
    "phone": "电话", "email": "邮箱",
}
COLUMNS = {**{header: key for key, header in HEADERS.items()}, **{key: key for key in HEADERS}}
REQUIRED_COLUMNS = tuple(HEADERS)
FIELD_SEPARATORS = re.compile(r"[；;，,、]")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,28}$")
FIRST_BIRTH_YEAR = 1930


def read_expert_file(filename: str, data: bytes) -> list[dict]:
    """The rows of an .xlsx (first sheet) or UTF-8 .csv file as dicts keyed by COLUMNS, each
    with its line number in the file under "row"; blank lines are skipped. Changes nothing."""
    suffix = filename.lower().rsplit(".", 1)[-1]
    if suffix == "xlsx":
        lines = _xlsx_lines(data)
    elif suffix == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ServiceError(_("The CSV file is not UTF-8 text.")) from error
        lines = list(csv.reader(io.StringIO(text)))
    else:
        raise ServiceError(_("Upload an .xlsx or a .csv file."))
    if not lines:
        raise ServiceError(_("The file is empty."))
    keys = [COLUMNS.get(_cell(h).lower()) for h in lines[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in keys]
    if missing:
        raise ServiceError(_("The file lacks the columns: %(columns)s.",
                             columns=", ".join(missing)))
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        values = {k: _cell(v) for k, v in zip(keys, line, strict=False) if k}
        if any(values.values()):
            rows.append({**dict.fromkeys(REQUIRED_COLUMNS, ""), **values, "row": number})
    return rows


def _xlsx_lines(data: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        lines = list(book.worksheets[0].iter_rows(values_only=True))
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise ServiceError(_("The Excel file cannot be read: %(reason)s", reason=error)) from error
    book.close()
    return lines


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def city_code(raw: str) -> str | None:
    """The city code for a code (370100) or a name with or without 市 (济南, 济南市)."""
    raw, cities = raw.strip(), reference.cities()
    if raw in cities:
        return raw
    for code, name in cities.items():
        if raw in (name, name.removesuffix("市")):
            return code
    return None


def split_fields(raw: str) -> list[str]:
    return list(dict.fromkeys(f.strip() for f in FIELD_SEPARATORS.split(raw) if f.strip()))


def _problems(row: dict) -> list[str]:
    """Why one row cannot be imported; empty when it can."""
    problems = []
    name, employer = row["name"], row["employer"]
    if not name or len(name) > 50:
        problems.append(_("a name of 1 to 50 characters is required"))
    if not employer or len(employer) > 200:
        problems.append(_("an employer of 1 to 200 characters is required"))
    code_problem = creditcode.problem(row["employer_credit_code"])
    if code_problem:
        problems.append(_("employer credit code: %(problem)s", problem=code_problem))
    if city_code(row["city"]) is None:
        problems.append(_("%(city)s is not a city of Shandong", city=row["city"] or "-"))
    if not row["title"] or len(row["title"]) > 50:
        problems.append(_("a title of 1 to 50 characters is required"))
    if not split_fields(row["fields"]):
        problems.append(_("name at least one technical field"))
    year = row["birth_year"]
    if not (year.isdigit() and FIRST_BIRTH_YEAR <= int(year) <= clock.now().year):
        problems.append(_("the birth year must be a year from %(first)d to this year",
                          first=FIRST_BIRTH_YEAR))
    if row["phone"] and not PHONE.match(row["phone"]):
        problems.append(_("the phone number is not valid"))
    if not EMAIL.match(row["email"]) or len(row["email"]) > 254:
        problems.append(_("a valid email address is required"))
    return problems


def _department_emails() -> set[str]:
    return set(db.session.scalars(select(func.lower(User.email)).join(UserRole).where(
        UserRole.role.in_([str(r) for r in NOT_EXPERTS]))))


def _pool_keys() -> tuple[set[str], set[tuple[str, str]]]:
    rows = db.session.execute(select(Expert.email, Expert.name, Expert.employer_credit_code))
    emails, people = set(), set()
    for email, name, code in rows:
        if email:
            emails.add(email.lower())
        people.add((name, code))
    return emails, people


class Vocabulary:
    """The terms of the vocabulary by name (without case), to read the fields of a file."""

    def __init__(self):
        self.terms = vocabulary.all_terms()
        self.by_id = {t.id: t for t in self.terms}
        self.named = {t.name.lower(): t for t in self.terms}

    def problems(self, names: list[str]) -> list[str]:
        """Why each name is no term to choose: unknown (with the closest terms), merged
        (with the term it became) or retired."""
        problems = []
        for name in names:
            term = self.named.get(name.lower())
            if term is None:
                near = vocabulary.closest(name, self.terms)
                problems.append(
                    _("“%(name)s” is not a term of the vocabulary (closest: %(near)s)",
                      name=name, near="、".join(near)) if near else
                    _("“%(name)s” is not a term of the vocabulary", name=name))
            elif term.merged_into_id is not None:
                problems.append(_("“%(name)s” was merged into “%(into)s”", name=name,
                                  into=self.by_id[term.merged_into_id].name))
            elif term.retired_at is not None:
                problems.append(_("“%(name)s” is retired", name=name))
        return problems

    def terms_of(self, raw: str) -> list:
        return list({t.id: t for t in (self.named[n.lower()] for n in split_fields(raw))}
                    .values())


class BadRowsError(ServiceError):
    """Rows of an import that cannot be added: `rows` holds (line number, reasons)."""

    def __init__(self, rows: list[tuple[int, str]]):
        self.rows = rows
        super().__init__(*[_("Row %(row)s: %(reasons)s", row=n, reasons=reasons)
                           for n, reasons in rows])


def import_expert_file(filename: str, data: bytes, *, actor) -> list[Expert]:
    """`read_expert_file` then `import_experts`: all of the file's experts, or none."""
    return import_experts(read_expert_file(filename, data), actor=actor)


def import_experts(rows: list[dict], *, actor) -> list[Expert]:
    """Add every row as an active expert, or none: any bad row (invalid, or a duplicate by
    email or by name and employer code, in the file or in the pool) raises BadRowsError naming
    every bad row with its reasons. On success writes one audit row and flushes."""
    if not can(actor, "expert.import"):
        raise PermissionDenied("expert.import")
    if not rows:
        raise ServiceError(_("The file has no experts."))
    emails, people = _pool_keys()
    department = _department_emails()
    terms = Vocabulary()
    bad = []
    for index, row in enumerate(rows):
        row = {**dict.fromkeys(REQUIRED_COLUMNS, ""),
               **{k: _cell(v) for k, v in row.items()}}
        problems = _problems(row) + terms.problems(split_fields(row["fields"]))
        email = row["email"].lower()
        person = (row["name"], creditcode.normalize(row["employer_credit_code"]))
        if email and email in emails:
            problems.append(_("the email %(email)s is already in the pool or the file",
                              email=row["email"]))
        if email in department:
            problems.append(_("%(email)s is the login of an officer or leader, who never score",
                              email=row["email"]))
        if person in people:
            problems.append(_("%(name)s of this employer is already in the pool or the file",
                              name=row["name"]))
        emails.add(email)
        people.add(person)
        if problems:
            bad.append((row.get("row") or index + 2, "; ".join(problems)))
    if bad:
        raise BadRowsError(bad)
    experts = [_expert(row, terms) for row in rows]
    db.session.add_all(experts)
    db.session.flush()
    for expert in experts:
        give_expert_login(expert, actor=actor)
    audit.record(actor=actor, action="import_experts", comment=f"{len(experts)} experts")
    db.session.flush()
    return experts


def give_expert_login(expert: Expert, *, actor) -> User | None:
    """The expert's login: the account that has the expert's email gains the expert role, or
    a new account is created and its owner invited by mail to set a password. None when the
    expert has a login already or no email. Side effects: the user, the link, the mail."""
    if expert.user_id is not None or not expert.email:
        return None
    user = find_user_by_email(expert.email)
    if user is None:
        user = create_user(email=expert.email, name=expert.name, roles=[Role.EXPERT],
                           phone=expert.phone or "", invited_by=actor)
        account_links.invite(user, actor=actor)
    elif not user.has_role(Role.EXPERT):
        if user.roles & NOT_EXPERTS:
            raise ServiceError(_("%(email)s is the login of an officer or leader, who never "
                                 "score.", email=expert.email))
        user.role_rows.append(UserRole(role=Role.EXPERT))
        audit.record(actor=actor, action="grant_role", subject=user, comment=str(Role.EXPERT))
    expert.user = user
    db.session.flush()
    return user


def _expert(row: dict, terms: Vocabulary) -> Expert:
    row = {k: _cell(v) for k, v in row.items()}
    return Expert(
        name=row["name"], employer_name=row["employer"],
        employer_credit_code=creditcode.normalize(row["employer_credit_code"]),
        region_code=city_code(row["city"]), title=row["title"],
        birth_year=int(row["birth_year"]), phone=row.get("phone", ""), email=row["email"],
        active=True, fields=[ExpertField(term=t) for t in terms.terms_of(row["fields"])],
    )


def template_xlsx() -> bytes:
    """An empty import file: the header row the reader expects, in the reader's order."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "专家库"
    sheet.append([HEADERS[key] for key in REQUIRED_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = 24
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pool_page(*, field: FieldTerm | None = None, city: str | None = None,
              active: bool | None = None, text: str = "", page: int = 1,
              per_page: int = 25) -> Page:
    """The pool, filtered, by name: 3 statements per page (count, experts, their fields); any
    other relation read from these rows raises instead of querying once per expert. `field`
    is a term; an industry also finds the experts of its fields. `text` is searched in the
    name, the employer and its credit code."""
    stmt = select(Expert).options(
        selectinload(Expert.fields).joinedload(ExpertField.term), raiseload("*"))
    if field is not None:
        terms = select(FieldTerm.id).where(
            (FieldTerm.id == field.id) | (FieldTerm.parent_id == field.id))
        stmt = stmt.where(Expert.fields.any(ExpertField.term_id.in_(terms)))
    if city:
        stmt = stmt.where(Expert.region_code == city)
    if active is not None:
        stmt = stmt.where(Expert.active.is_(active))
    if text:
        stmt = stmt.where(search.expert_matches(text))
    return paginate(stmt.order_by(Expert.name, Expert.id), page=page, per_page=per_page)
