"""Importing the expert pool from Excel or CSV: all or nothing, every bad row reported."""
import csv
import io

import pytest
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import func, select

from tests import factories
from workflow.cli import experts_import_command
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.experts.models import Expert
from workflow.experts.operations.pool import import_experts, read_expert_file
from workflow.vocabulary import rules as vocabulary

HEADER_ZH = ["姓名", "工作单位", "统一社会信用代码", "所在市", "职称", "技术领域", "出生年份",
             "电话", "邮箱"]
HEADER_EN = ["name", "employer", "employer_credit_code", "city", "title", "fields",
             "birth_year", "phone", "email"]


@pytest.fixture(autouse=True)
def _english():
    """The reasons are asserted in English; the default locale is Chinese."""
    with force_locale("en"):
        yield


@pytest.fixture(autouse=True)
def _vocabulary():
    """The default vocabulary of technical fields, and the fields the files below name."""
    vocabulary.ensure_defaults()
    factories.term("激光", "新一代信息技术")
    factories.term("焊接", "高端装备")
    db.session.commit()


def line(name="王教授", code=None, city="济南", fields="工业软件；焊接装备", year=1970,
         email=None, employer="山东大学", phone="0531-88888888"):
    return [name, employer, code or factories.credit_code(prefix="12"), city, "教授", fields,
            year, phone, email or f"{name}{factories.credit_code()[-6:]}@example.com"]


def xlsx(lines, header=HEADER_ZH) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in lines:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(lines, header=HEADER_EN, bom=True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(lines)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def pool_size() -> int:
    return db.session.scalar(select(func.count(Expert.id)))


def test_import_xlsx_creates_experts_with_fields_and_audit_row():
    rows = read_expert_file("专家库.xlsx", xlsx([line("王教授", city="济南市"),
                                              line("李研究员", city="370200", year=1980)]))
    experts = import_experts(rows, actor=factories.officer())
    assert [(e.name, e.region_code, e.active) for e in experts] == [
        ("王教授", "370100", True), ("李研究员", "370200", True)]
    assert [f.name for f in experts[0].fields] == ["工业软件", "焊接装备"]
    assert experts[1].birth_year == 1980
    audit_rows = db.session.scalars(select(AuditEntry).filter_by(action="import_experts")).all()
    assert len(audit_rows) == 1 and audit_rows[0].comment == "2 experts"


@pytest.mark.parametrize("bom", [True, False])
def test_import_csv_with_or_without_bom(bom):
    rows = read_expert_file("experts.CSV", csv_bytes([line(fields="激光,工业软件、焊接")], bom=bom))
    assert rows[0]["row"] == 2
    (expert,) = import_experts(rows, actor=factories.officer())
    assert [f.name for f in expert.fields] == ["激光", "工业软件", "焊接"]


def test_import_with_bad_rows_reports_every_one_and_changes_nothing():
    good = line("赵工")
    bad = [
        line("", year=1920),                                 # row 3: no name, too old
        line("钱工", code="913701000000000000", city="北京"),  # row 4: code, city
        line("孙工", fields=" ；、", email="not-an-email"),     # row 5: fields, email
        line("李" * 51, phone="call me"),                      # row 6: long name, phone
    ]
    rows = read_expert_file("x.xlsx", xlsx([good, *bad]))
    with pytest.raises(ServiceError) as error:
        import_experts(rows, actor=factories.officer())
    problems = error.value.problems
    assert [p.split(":")[0] for p in problems] == ["Row 3", "Row 4", "Row 5", "Row 6"]
    assert "name" in problems[0] and "birth year" in problems[0]
    assert "credit code" in problems[1] and "北京" in problems[1]
    assert "technical field" in problems[2] and "email" in problems[2]
    assert "name" in problems[3] and "phone" in problems[3]
    assert pool_size() == 0
    assert db.session.scalar(select(func.count(AuditEntry.id))
                             .filter_by(action="import_experts")) == 0


def test_import_duplicates_in_file_and_pool_are_bad_rows():
    officer = factories.officer()
    code = factories.credit_code(prefix="12")
    import_experts(read_expert_file("a.csv", csv_bytes([line("周工", code=code,
                                                              email="zhou@example.com")])),
                   actor=officer)
    rows = read_expert_file("b.csv", csv_bytes([
        line("吴工", email="wu@example.com"),
        line("郑工", email="WU@example.com"),                 # row 3: same email in the file
        line("周工", code=code),                               # row 4: same person in the pool
        line("冯工", email="zhou@example.com"),               # row 5: same email in the pool
    ]))
    with pytest.raises(ServiceError) as error:
        import_experts(rows, actor=officer)
    assert [p.split(":")[0] for p in error.value.problems] == ["Row 3", "Row 4", "Row 5"]
    assert pool_size() == 1


@pytest.mark.parametrize("filename, data, reason", [
    ("x.xlsx", b"not a zip", "cannot be read"),
    ("x.csv", "姓名,邮箱\n".encode("gbk"), "UTF-8"),
    ("x.csv", b"", "empty"),
    ("x.csv", "name,email\n王,w@example.com\n".encode(), "employer"),
    ("x.txt", b"name", ".xlsx"),
])
def test_read_bad_file_says_why(filename, data, reason):
    with pytest.raises(ServiceError) as error:
        read_expert_file(filename, data)
    assert reason in str(error.value)


def test_import_refused_to_non_officer():
    rows = read_expert_file("x.csv", csv_bytes([line()]))
    with pytest.raises(PermissionDenied):
        import_experts(rows, actor=factories.applicant())
    assert pool_size() == 0


def test_cli_import_exit_codes(app, tmp_path):
    runner = app.test_cli_runner()
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.csv"
    good.write_bytes(xlsx([line("陈工"), line("褚工")]))
    bad.write_bytes(csv_bytes([line("卫工"), line("蒋工", year="abc")]))
    result = runner.invoke(experts_import_command, [str(bad)])
    assert result.exit_code != 0
    assert "nothing imported from bad.csv" in result.output and "3" in result.output
    assert pool_size() == 0
    result = runner.invoke(experts_import_command, [str(good)])
    assert result.exit_code == 0, result.output
    assert "imported 2 experts" in result.output
    db.session.rollback()
    assert pool_size() == 2
