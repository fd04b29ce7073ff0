"""The officer's expert pool: the list with filters in a fixed number of statements, the Excel
or CSV upload (all or nothing, every bad row shown), the template that round-trips through
the reader, an expert's record, taking an expert out of the pool; nobody else gets in."""
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests import factories
from tests.experts.test_expert_import import HEADER_EN, csv_bytes, line, xlsx
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from tests.web.test_queries import counted_statements
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.experts.models import (
    ConflictDeclaration,
    Exclusion,
    Expert,
    ExpertEmployment,
    ExpertField,
    ExpertRelation,
)
from workflow.experts.operations import conflicts
from workflow.experts.operations.pool import HEADERS, REQUIRED_COLUMNS, read_expert_file
from workflow.review.operations import assignment
from workflow.vocabulary import rules as vocabulary

HOSTILE = "<script>alert(1)</script>"


def pool_size() -> int:
    return db.session.scalar(select(func.count(Expert.id)))


def audit_actions() -> list[str]:
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def add_expert(name: str, *, fields=("工业软件",), region=factories.ZIBO, employer="淄博研究院",
               active=True, birth_year=1970) -> Expert:
    row = Expert(name=name, employer_name=employer,
                 employer_credit_code=factories.credit_code(region, "12"), region_code=region,
                 title="研究员", birth_year=birth_year, active=active,
                 email=f"{factories.credit_code()[-8:]}@example.com",
                 fields=[ExpertField(term=factories.term(f)) for f in fields])
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def officer():
    row = factories.officer()
    vocabulary.ensure_defaults()  # the fields the import files name
    db.session.commit()
    return row


def listed_names(html: str) -> list[str]:
    table = html.split('id="experts"', 1)[1].split("</table>", 1)[0]
    return [cell.split("</a>")[0] for cell in table.split('">')[1:] if "</a>" in cell]


def test_pool_list_shows_employer_city_title_fields_age_and_status(officer, login):
    add_expert("王教授", fields=("工业软件", "焊接装备"), region=factories.QINGDAO,
               employer="青岛大学", birth_year=1966)
    add_expert("李研究员", active=False)
    db.session.commit()
    html = login(officer).get("/officer/experts").get_data(as_text=True)
    row = html.split("王教授", 1)[1].split("</tr>", 1)[0]
    age = clock.local(clock.now()).year - 1966
    for shown in ("青岛大学", "青岛市", "研究员", "工业软件、焊接装备", f"1966 ({age})", "Active"):
        assert shown in row, shown
    assert "Inactive" in html.split("李研究员", 1)[1].split("</tr>", 1)[0]
    assert 'href="/officer/experts"' in html  # the navbar link


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["孙工", "王教授", "李研究员"]),
    ("field=焊接装备", ["王教授"]),
    ("city=370200", ["王教授"]),
    ("active=no", ["李研究员"]),
    ("active=yes", ["孙工", "王教授"]),
    ("q=青岛", ["王教授"]),
    ("q=李", ["李研究员"]),
    ("q=100%25", []),  # a percent sign is a character, not a wildcard
    ("field=nosuch&city=999999&active=maybe", ["孙工", "王教授", "李研究员"]),
])
def test_pool_filters_return_the_matching_experts(officer, login, query, expected):
    add_expert("王教授", fields=("工业软件", "焊接装备"), region=factories.QINGDAO,
               employer="青岛大学")
    add_expert("李研究员", active=False)
    add_expert("孙工", employer="淄博100研究院")
    db.session.commit()
    html = login(officer).get(f"/officer/experts?{query}").get_data(as_text=True)
    assert sorted(listed_names(html)) == sorted(expected)


def test_pool_list_issues_the_same_statements_for_5_and_60_experts(officer, login):
    client = login(officer)

    def measure() -> tuple[int, int]:
        db.session.expire_all()
        with counted_statements() as statements:
            response = client.get("/officer/experts?field=工业软件")
        assert response.status_code == 200
        return len(statements), len(listed_names(response.get_data(as_text=True)))

    for n in range(5):
        add_expert(f"专家{n:02d}", fields=("工业软件", "半导体激光"))
    db.session.commit()
    few, shown_few = measure()
    for n in range(5, 60):
        add_expert(f"专家{n:02d}", fields=("工业软件", "半导体激光"))
    db.session.commit()
    many, shown_many = measure()
    assert (shown_few, shown_many) == (5, 25)
    assert many == few


def test_pool_pages_keep_the_filter(officer, login):
    for n in range(60):
        add_expert(f"专家{n:02d}", region=factories.JINAN if n % 2 else factories.ZIBO)
    db.session.commit()
    client = login(officer)
    first = client.get("/officer/experts?city=370100").get_data(as_text=True)
    assert "page=2" in first and "city=370100" in first.split("page=2", 1)[1].split('"')[0] + \
        first.split("page=2", 1)[0].rsplit('"', 1)[1]
    second = client.get("/officer/experts?city=370100&page=2").get_data(as_text=True)
    names = listed_names(first) + listed_names(second)
    assert len(listed_names(first)) == 25 and len(names) == len(set(names)) == 30
    assert names == sorted(names)
    assert all(int(name[2:]) % 2 for name in names)


def test_upload_of_a_good_xlsx_adds_every_expert_and_says_how_many(officer, login):
    data = xlsx([line("王教授"), line("李研究员", city="青岛")])
    response = login(officer).post("/officer/experts/import",
                                   data={"file": (io.BytesIO(data), "专家库.xlsx")},
                                   follow_redirects=True)
    assert "2 experts added to the pool." in response.get_data(as_text=True)
    assert sorted(db.session.scalars(select(Expert.name))) == ["李研究员", "王教授"]
    # each expert gets a login and an invitation to set its password
    assert audit_actions() == ["invite_user", "invite_user", "import_experts"]
    assert all(e.user is not None and e.user.password_hash is None
               for e in db.session.scalars(select(Expert)))


def test_upload_of_a_good_csv_adds_its_experts(officer, login):
    response = login(officer).post(
        "/officer/experts/import",
        data={"file": (io.BytesIO(csv_bytes([line("赵工")], header=HEADER_EN)), "pool.CSV")})
    assert response.status_code == 302
    assert pool_size() == 1


def test_upload_with_bad_rows_shows_every_one_and_imports_nothing(officer, login):
    data = xlsx([line("赵工"), line("", year=1920), line("钱工", city="北京"),
                 line(HOSTILE, email="not-an-email")])
    response = login(officer).post("/officer/experts/import",
                                   data={"file": (io.BytesIO(data), "pool.xlsx")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported: 3 rows have problems." in html
    table = html.split('id="bad-rows"', 1)[1].split("</table>", 1)[0]
    rows = [r.split("</td><td>") for r in table.split("<tr><td>")[1:]]
    assert [r[0] for r in rows] == ["3", "4", "5"]
    assert "birth year" in rows[0][1] and "北京" in rows[1][1] and "email" in rows[2][1]
    assert HOSTILE not in html and "&lt;script&gt;" not in html  # reasons name no field text
    assert pool_size() == 0 and audit_actions() == []


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("pool.xlsx", b"PK\x03\x04 broken zip", "The Excel file cannot be read"),
    ("pool.xlsx", b"", "The Excel file cannot be read"),
    ("pool.csv", "姓名,邮箱\n王,w@example.com\n".encode("gbk"), "The CSV file is not UTF-8 text."),
    ("pool.csv", "name,email\n王,w@example.com\n".encode(), "The file lacks the columns"),
    ("pool.csv", csv_bytes([], header=HEADER_EN), "The file has no experts."),
    ("pool.pdf", factories.PDF, "Upload an .xlsx or a .csv file."),
    ("pool", b"name", "Upload an .xlsx or a .csv file."),
])
def test_upload_of_a_foreign_or_corrupt_file_says_why(officer, login, filename, data, message):
    response = login(officer).post("/officer/experts/import",
                                   data={"file": (io.BytesIO(data), filename)})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert pool_size() == 0


def test_upload_without_a_file_or_too_large_is_refused(officer, login):
    client = login(officer)
    assert "Choose a file." in client.post("/officer/experts/import").get_data(as_text=True)
    big = io.BytesIO(b"name\n" + b"x" * (1024 * 1024 + 1))
    response = client.post("/officer/experts/import", data={"file": (big, "pool.csv")})
    assert response.status_code == 422
    assert "The file may have at most 1 MB." in response.get_data(as_text=True)
    assert pool_size() == 0


def test_template_has_the_readers_header_and_round_trips(officer, login):
    response = login(officer).get("/officer/experts/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert ".xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    header = [c.value for c in book.active[1]]
    assert header == [HEADERS[k] for k in REQUIRED_COLUMNS]
    assert read_expert_file("template.xlsx", response.data) == []
    book.active.append(line("周工", city="烟台"))
    filled = io.BytesIO()
    book.save(filled)
    (row,) = read_expert_file("template.xlsx", filled.getvalue())
    assert (row["row"], row["name"], row["city"], row["fields"]) == (2, "周工", "烟台",
                                                                     "工业软件；焊接装备")
    upload = login(officer).post("/officer/experts/import",
                                 data={"file": (io.BytesIO(filled.getvalue()), "t.xlsx")})
    assert upload.status_code == 302
    assert db.session.scalar(select(Expert.region_code)) == "370600"


def test_import_page_lists_the_columns_and_links_the_template(officer, login):
    html = login(officer).get("/officer/experts/import").get_data(as_text=True)
    assert 'href="/officer/experts/template.xlsx"' in html
    assert all(header in html for header in HEADERS.values())


@pytest.fixture
def record():
    """An expert with a login, seated on one application of a call and excluded from
    another, with a past employer, a relation and a declared conflict."""
    officer = factories.officer()
    call = factories.call(actor=officer)
    call.review_settings = {"k": 3, "max_load": 2}
    seated = factories.application(call, state=AppState.FORMAL_PASSED)
    other = factories.application(call, state=AppState.FORMAL_PASSED)
    seated.title, other.title = "山东省就座技术创新中心", "山东省回避技术创新中心"
    expert = factories.expert(seated.field.name)
    expert.employments.append(ExpertEmployment(
        credit_code=other.lead_org.credit_code, org_name="旧东家", role="board",
        start_date=clock.now().date().replace(year=2020)))
    expert.relations.append(ExpertRelation(kind="coauthor", person_name="刘主任",
                                           note="合著论文"))
    assignment.add_seat(seated, expert, actor=officer)
    conflicts.compute_exclusions(call, actor=officer)
    db.session.commit()
    return officer, expert, seated, other


def test_expert_record_shows_profile_employers_relations_exclusions_and_seats(record, login):
    officer, expert, seated, other = record
    html = login(officer).get(f"/officer/experts/{expert.id}").get_data(as_text=True)
    for shown in (expert.name, expert.employer_name, expert.employer_credit_code, "淄博市",
                  "旧东家", "Board member", "Co-author of papers, patents or projects",
                  "刘主任", "合著论文", seated.title, "Invited", expert.user.email):
        assert shown in html, shown
    exclusions = html.split('id="exclusions"', 1)[1].split("</table>", 1)[0]
    assert other.title in exclusions and "R2 worked for or sat on the board" in exclusions
    assert seated.title not in exclusions
    assert f'href="/experts/{expert.id}/profile"' in html


def test_expert_record_flags_a_seat_the_expert_is_now_excluded_from(record, login):
    officer, expert, seated, _other = record
    db.session.add(Exclusion(expert_id=expert.id, application_id=seated.id, rule="D",
                             detail="亲属"))
    db.session.add(ConflictDeclaration(expert_id=expert.id, application_id=seated.id,
                                       reason="亲属"))
    db.session.commit()
    html = login(officer).get(f"/officer/experts/{expert.id}").get_data(as_text=True)
    seats = html.split('id="seats"', 1)[1].split("</table>", 1)[0]
    assert "Excluded by a conflict rule" in seats
    declarations = html.split('id="declarations"', 1)[1].split("</table>", 1)[0]
    assert seated.title in declarations and "亲属" in declarations


def test_officer_takes_an_expert_out_of_the_pool_and_back(officer, login):
    expert = add_expert("王教授")
    db.session.commit()
    client = login(officer)
    page = client.get(f"/officer/experts/{expert.id}").get_data(as_text=True)
    assert 'name="active" value="0"' in page
    response = client.post(f"/officer/experts/{expert.id}/active", data={"active": "0"},
                           follow_redirects=True)
    assert "王教授 is out of the pool." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).active is False
    call = factories.call(actor=officer)
    assert expert not in conflicts.eligible_experts(call, clock.now().date())
    again = client.post(f"/officer/experts/{expert.id}/active", data={"active": "0"},
                        follow_redirects=True)
    assert "The expert is already inactive." in again.get_data(as_text=True)
    client.post(f"/officer/experts/{expert.id}/active", data={"active": "1"})
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).active is True
    assert [a for a in audit_actions() if a.endswith("_expert")] == [
        "deactivate_expert", "activate_expert"]
    comments = db.session.scalars(select(AuditEntry.comment).where(
        AuditEntry.action.endswith("_expert"))).all()
    assert all(f"expert {expert.id} 王教授" in c for c in comments)


def test_hostile_names_are_shown_escaped(officer, login):
    add_expert(HOSTILE, fields=(HOSTILE,), employer=HOSTILE)
    db.session.commit()
    client = login(officer)
    expert_id = db.session.scalar(select(Expert.id))
    for path in ("/officer/experts", f"/officer/experts/{expert_id}",
                 f"/experts/{expert_id}/profile"):
        html = client.get(path).get_data(as_text=True)
        assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


@pytest.mark.parametrize("role", ["applicant", "recommender", "expert", "leader"])
def test_pool_pages_refuse_everyone_but_officers(role, login):
    expert = add_expert("王教授")
    visitor = {"applicant": factories.applicant, "recommender": factories.recommender,
               "leader": factories.leader,
               "expert": lambda: factories.expert("工业软件").user}[role]()
    db.session.commit()
    client = login(visitor)
    for path in ("/officer/experts", "/officer/experts/import", "/officer/experts/template.xlsx",
                 f"/officer/experts/{expert.id}"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "王教授" not in response.get_data(as_text=True)
    upload = client.post("/officer/experts/import", data={
        "file": (io.BytesIO(xlsx([line("钱工")])), "pool.xlsx")})
    toggle = client.post(f"/officer/experts/{expert.id}/active", data={"active": "0"})
    assert (upload.status_code, toggle.status_code) == (403, 403)
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).active is True
    assert pool_size() == 1 + (role == "expert") and audit_actions() == []
    assert 'href="/officer/experts"' not in client.get("/").get_data(as_text=True)
