"""A new call from its creation to the verification page of the letter it approved, in
headless Chromium, with nothing but clicks and the mails of the outbox (issue 10.9).

The story, on a clock the test moves through September and October 2026 (Beijing time):

- Mon 7 Sep. The officer, the one account made by hand, logs in for the first time and sets
  up the second factor. She invites the leader and the recommender of the Jinan science
  bureau, who choose their passwords from the invitation mails (the leader sets up the
  second factor too). She creates a call for technology innovation centers with two fields
  of the vocabulary and opens it, then downloads the expert pool template, fills it with
  four experts from other cities and imports it: the experts get invitation mails.
- Tue 8 Sep. A laser company of Jinan registers with its business licence and the bureau
  verifies it. It starts its application, fills every section, uploads the attachments and
  names a university as co-builder, whose contact is mailed an invitation to register. The
  university registers from that mail, is verified, and confirms from the mail that asks
  it to; the company submits.
- Wed 9 Sep. The bureau recommends the application from the mail that announced it.
- Mon 21 Sep. Filing closed on Friday. The officer closes the call and starts its review,
  passes the formal review with "mark all other items OK", makes panels of three and
  invites three experts of the field from the list; they activate their accounts from the
  invitation mails and accept; she opens the review.
- Tue 22 Sep. The experts score; one total lies far from the others, so the chair resolves
  the dispersion alarm, then confirms the panel.
- Thu 24 Sep. The leader logs in with a code and selects the center.
- Fri 25 Sep. The officer publishes the announcement, after its confirmation page.
- The period ends (`flask tick`). The leader signs the notice; the officer takes the number
  and issues it (confirmation page, then the progress page until every document is stored).
  The company downloads its letter, a PDF, and opens its verification page, which shows the
  letter and recognizes the downloaded file.

Each step leaves a full-page screenshot in test-artifacts/lifecycle/NN-<step>.png.
"""
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import factories
from tests.browsing import chromium_fixture, live_server_fixture  # noqa: F401
from workflow.accounts.operations.second_factor import REQUIRED_ROLES
from workflow.calls.models import Call
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.states import AppState, CallState, Role
from workflow.inbox.models import OutboxMail
from workflow.intake.models import Application
from workflow.publicity import queries as publicity
from workflow.publicity.models import Publicity

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "lifecycle"
# Passwords people choose: long and not guessable, as the password rules ask.
PASSWORD = "蓝色激光-泉城-{}-2026"
JINAN, ZIBO, QINGDAO, YANTAI = "370100", "370300", "370200", "370600"
CALL_TITLE = "2026年度山东省技术创新中心申报"
CENTER = "山东省半导体激光技术创新中心"
FIELD, OTHER_FIELD = "半导体激光", "新型显示"
SECTION_VALUES = {"number": "5200", "money": "5200", "text": "李明",
                  "textarea": "面向半导体激光产业的共性技术研发。",
                  "email": "liming@laser.example.com", "phone": "0531-88886666",
                  "industry": "新一代信息技术"}
# Per-year figures in 10,000 yuan: R&D above the 3 % the default rules ask.
FOUNDATION = {"revenue": "52000", "rd_spend": "3100", "staff_total": "860", "rd_staff": "160"}
LINK = re.compile(r"https?://[\x21-\x7e]+")


@dataclass
class Person:
    """Someone with a browser of their own: a context, so each keeps their session."""

    name: str
    email: str
    page: object
    password: str = ""
    secret: str | None = None  # of the authenticator app, read from the enrolment page
    last_step: int = -1  # the last 30-second window whose code was used

    def code(self) -> str:
        """The app's code now; a code is good once, so after one was used in this window
        the next window's code (accepted too), else the person waits for a new window."""
        import pyotp

        totp = pyotp.TOTP(self.secret)
        step = max(totp.timecode(clock.now()), self.last_step + 1)
        if step > totp.timecode(clock.now()) + 1:
            clock.freeze(clock.now() + timedelta(seconds=totp.interval))
        self.last_step = step
        return totp.at(step * totp.interval)


@dataclass
class Story:
    chromium: object
    base: str
    files: Path
    people: dict = field(default_factory=dict)
    shots: int = 0
    call_id: int = 0
    app_id: int = 0
    codes: dict = field(default_factory=dict)  # credit codes by unit

    def person(self, key: str, name: str, email: str) -> Person:
        # Motion reduced (tests/browsing.py says why): a second less per click.
        context = self.chromium.new_context(viewport={"width": 1280, "height": 900},
                                            reduced_motion="reduce",
                                            accept_downloads=True, locale="zh-CN")
        context.set_default_timeout(15_000)
        person = Person(name, email, context.new_page(), PASSWORD.format(key))
        self.people[key] = person
        return person

    def shoot(self, who: Person, step: str) -> None:
        self.shots += 1
        who.page.screenshot(path=str(SHOTS / f"{self.shots:02d}-{step}.png"), full_page=True)


# What a person does in a browser.


def at(moment: str) -> None:
    """The clock at `moment`, Beijing time, e.g. "2026-09-07 09:00"."""
    clock.freeze(datetime.fromisoformat(moment).replace(tzinfo=clock.LOCAL))


def click(who: Person, selector: str) -> None:
    """Click what leads to another page, and wait for it."""
    with who.page.expect_navigation():
        who.page.click(selector)


def menu(who: Person, href: str) -> None:
    """Follow a link of the top bar, opening its menu first when it sits in one."""
    link = f"nav.app-bar a[href='{href}']"
    holder = who.page.locator("nav.app-bar details",
                              has=who.page.locator(f"a[href='{href}']"))
    if holder.count():
        holder.locator("summary").click()
    click(who, link)


def desk_item(who: Person, group: str) -> None:
    """From the desk, open the first item of a group, e.g. "recommender-to_decide"."""
    menu(who, "/desk")
    click(who, f"#{group} tbody tr a")


def said(who: Person, kind: str = "success") -> str:
    """The message the last action left on the page (asserted to be there)."""
    alert = who.page.locator(f"main .alert-{kind}")
    assert alert.count(), who.page.locator("main").inner_text()[:2000]
    return alert.first.inner_text()


def visit(who: Person, url: str) -> None:
    who.page.goto(url)


def fresh():
    """The test's database session, ready to read what the server committed meanwhile."""
    db.session.rollback()
    return db.session


def mail_link(story: Story, to: str, path: str) -> str:
    """The link to `path` in the newest mail to `to` that has one, as its reader sees it."""
    mails = fresh().scalars(select(OutboxMail).where(OutboxMail.to_address == to)
                            .order_by(OutboxMail.id.desc())).all()
    for mail in mails:
        for url in LINK.findall(mail.body):
            url = url.rstrip(".,;:)'\"")
            if path in url:
                assert url.startswith(story.base + "/"), url
                return url
    raise AssertionError(f"no mail to {to} links to {path}: {[m.subject for m in mails]}")


def enter_password(story: Story, who: Person) -> None:
    visit(who, f"{story.base}/login")
    who.page.fill("input[name=email]", who.email)
    who.page.fill("input[name=password]", who.password)
    click(who, "main form button[type=submit]")


def log_in(story: Story, who: Person, step: str | None = None) -> None:
    """The login form, then the second factor's code when the account has one."""
    enter_password(story, who)
    if who.page.url.endswith("/login/code"):
        if step:
            story.shoot(who, step)
        who.page.fill("input[name=code]", who.code())
        click(who, "main form button[type=submit]")
    assert who.page.url.endswith("/desk"), who.page.url


def enrol(story: Story, who: Person, step: str) -> None:
    """The forced set-up of the second factor: scan (read) the key, type the app's code,
    keep the recovery codes, continue to the desk."""
    assert who.page.url.endswith("/login/enrol"), who.page.url
    story.shoot(who, step)
    who.secret = who.page.locator("#totp-secret").inner_text().strip()
    who.page.fill("input[name=code]", who.code())
    click(who, "main form button[type=submit]")
    assert who.page.locator("#recovery-codes li").count() == 10
    click(who, "main a.btn-primary")
    assert who.page.url.endswith("/desk"), who.page.url


def activate(story: Story, who: Person, step: str) -> None:
    """Open the invitation mail's link and choose a password."""
    visit(who, mail_link(story, who.email, "/account/activate/"))
    who.page.fill("input[name=password]", who.password)
    who.page.fill("input[name=confirm]", who.password)
    story.shoot(who, step)
    click(who, "main form button[type=submit]")


def register(story: Story, who: Person, unit: str, code: str, kind: str, step: str) -> None:
    """The registration form of a unit, with its business licence."""
    page = who.page
    page.fill("input[name=org_name]", unit)
    page.fill("input[name=credit_code]", code)
    page.select_option("select[name=kind]", kind)
    page.fill("input[name=legal_representative]", "赵建国" if kind == "enterprise" else "钱学军")
    page.set_input_files("input[name=licence]", str(story.files / "营业执照.pdf"))
    page.fill("input[name=user_name]", who.name)
    page.fill("input[name=phone]", "0531-86661234")
    page.fill("input[name=email]", who.email)
    page.fill("input[name=password]", who.password)
    page.fill("input[name=confirm]", who.password)
    story.shoot(who, step)
    click(who, "main form button[type=submit]")
    assert page.url.endswith("/my/organization"), page.url
    said(who)


# The stages, in the order of the story.


def officer_enrols_and_invites_the_department(story: Story) -> None:
    at("2026-09-07 09:00")
    officer = story.people["officer"]
    enter_password(story, officer)
    enrol(story, officer, "officer-sets-up-the-second-factor")

    invitations = [("leader", [Role.LEADER], None),
                   ("recommender", [Role.RECOMMENDER], ("济南市科学技术局", JINAN))]
    for key, roles, unit in invitations:
        at("2026-09-07 09:10")
        who = story.people[key]
        menu(officer, "/officer/users")
        click(officer, "main a[href='/officer/users/new']")
        officer.page.fill("input[name=name]", who.name)
        officer.page.fill("input[name=email]", who.email)
        for role in roles:
            officer.page.check(f"input[name=roles][value={role}]")
        if unit:
            officer.page.fill("input[name=credit_code]", story.codes["bureau"])
            officer.page.fill("input[name=org_name]", unit[0])
            officer.page.select_option("select[name=org_region]", unit[1])
        story.shoot(officer, f"officer-invites-the-{key}")
        click(officer, "main form button[type=submit]")
        said(officer)

    at("2026-09-07 09:30")
    leader = story.people["leader"]
    activate(story, leader, "leader-activates-the-account")
    enrol(story, leader, "leader-sets-up-the-second-factor")
    click(leader, "form[action='/logout'] button")
    recommender = story.people["recommender"]
    activate(story, recommender, "recommender-activates-the-account")
    assert recommender.page.url.endswith("/desk"), recommender.page.url
    story.shoot(recommender, "recommender-desk")


def officer_creates_and_opens_the_call(story: Story) -> None:
    at("2026-09-07 10:00")
    officer = story.people["officer"]
    page = officer.page
    menu(officer, "/officer/calls")
    click(officer, "main a[href='/officer/calls/new']")
    page.fill("input[name=title]", CALL_TITLE)
    page.fill("textarea[name=description]", "围绕十强产业布局建设一批省技术创新中心。")
    page.fill("input[name=opens_at]", "2026-09-07T10:00")
    page.fill("input[name=closes_at]", "2026-09-18T17:00")
    page.fill("input[name=quota]", "10")
    page.fill("input[name=recommend_deadline]", "2026-09-25T17:00")
    for industry, term in (("新一代信息技术", FIELD), ("新一代信息技术", OTHER_FIELD)):
        group = page.locator("#fields details", has=page.locator("summary", has_text=industry))
        if group.get_attribute("open") is None:
            group.locator("summary").click()
        group.get_by_label(term, exact=True).check()
    story.shoot(officer, "officer-creates-the-call")
    click(officer, "main form button[type=submit]")
    said(officer)
    story.call_id = int(re.search(r"/officer/calls/(\d+)", page.url).group(1))
    click(officer, "form[action$='/advance/open'] button")
    said(officer)
    story.shoot(officer, "officer-opened-the-call")
    assert fresh().get(Call, story.call_id).state == CallState.OPEN


def officer_imports_the_expert_pool(story: Story) -> None:
    """The template downloaded from the import page, filled as the officer would."""
    from openpyxl import load_workbook

    at("2026-09-07 11:00")
    officer = story.people["officer"]
    menu(officer, "/officer/experts")
    click(officer, "main a[href='/officer/experts/import']")
    with officer.page.expect_download() as download:
        officer.page.click("#template-link")
    template = story.files / download.value.suggested_filename
    assert template.suffix == ".xlsx", template
    download.value.save_as(template)
    book = load_workbook(template)
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    for row in range(sheet.max_row, 1, -1):
        sheet.delete_rows(row)
    pool = [("孙立群", "淄博光电研究院", ZIBO, FIELD),
            ("周海涛", "青岛激光技术研究所", QINGDAO, FIELD),
            ("吴晓梅", "烟台光学仪器研究院", YANTAI, FIELD),
            ("郑国平", "青岛显示技术研究院", QINGDAO, OTHER_FIELD)]
    for n, (name, employer, city, term) in enumerate(pool, start=1):
        values = {"name": name, "employer": employer,
                  "employer_credit_code": factories.credit_code(city, "12"),
                  "city": city, "title": "研究员", "fields": term, "birth_year": 1968 + n,
                  "phone": f"0532-8000{n:04d}", "email": f"expert{n}@experts.example.cn"}
        sheet.append([values[key] for key in _header_keys(headers)])
        story.person(f"expert{n}", name, values["email"])
    book.save(story.files / "专家库.xlsx")
    officer.page.set_input_files("input[name=file]", str(story.files / "专家库.xlsx"))
    story.shoot(officer, "officer-imports-the-expert-pool")
    click(officer, "main form button[type=submit]")
    assert "4" in said(officer)
    story.shoot(officer, "expert-pool")


def _header_keys(headers: list) -> list[str]:
    from workflow.experts.operations.pool import COLUMNS

    return [COLUMNS[h] for h in headers]


def company_registers_and_is_verified(story: Story) -> None:
    at("2026-09-08 09:00")
    company = story.people["company"]
    visit(company, f"{story.base}/")
    click(company, "nav.app-bar a[href='/register']")
    register(story, company, "济南光谷激光科技股份有限公司", story.codes["company"], "enterprise",
             "company-registers")
    story.shoot(company, "company-waits-for-verification")
    verify_unit(story, "济南光谷激光科技股份有限公司", "bureau-verifies-the-company")


def verify_unit(story: Story, unit: str, step: str) -> None:
    """The bureau opens the unit from its desk, reads the licence and verifies it."""
    at_later(minutes=30)
    recommender = story.people["recommender"]
    menu(recommender, "/desk")
    row = recommender.page.locator("#recommender-units tbody tr", has_text=unit)
    with recommender.page.expect_navigation():
        row.locator("a").first.click()
    assert recommender.page.locator("iframe, embed, object").count() >= 1
    story.shoot(recommender, step)
    click(recommender, "button[data-decision=verify]")
    assert unit in said(recommender)


def at_later(*, minutes: int = 0, days: int = 0) -> None:
    clock.freeze(clock.now() + timedelta(days=days, minutes=minutes))


def company_fills_its_application(story: Story) -> None:
    at("2026-09-08 10:30")
    company = story.people["company"]
    page = company.page
    menu(company, "/")
    click(company, f"main a[href='/calls/{story.call_id}']")
    click(company, f"main a[href='/calls/{story.call_id}/apply']")
    page.fill("input[name=title]", CENTER)
    page.select_option("select[name=field_id]", label=FIELD)
    click(company, "main form button[type=submit]")
    said(company)
    story.app_id = int(re.search(r"/applications/(\d+)", page.url).group(1))
    for section in factories.SECTIONS:
        click(company, f"#s-{section.key} a[href$='/sections/{section.key}']")
        for item in section.fields:
            selector = f"[name={item.key}]"
            if item.kind == "industry":
                page.select_option(selector, SECTION_VALUES["industry"])
            elif item.key.rstrip("123").removesuffix("_y") in FOUNDATION:
                page.fill(selector, FOUNDATION[item.key.rstrip("123").removesuffix("_y")])
            else:
                page.fill(selector, SECTION_VALUES[item.kind])
        if section.key == "foundation":
            story.shoot(company, "company-fills-the-foundation")
        click(company, "main form button[type=submit]")
        said(company)
    kinds = page.locator("select[name=kind] option").evaluate_all(
        "options => options.map(o => o.value).filter(Boolean)")
    for kind in kinds:
        page.select_option("select[name=kind]", kind)
        page.set_input_files("input[name=file]", str(story.files / f"附件-{kind}.pdf"))
        click(company, "form[enctype='multipart/form-data'] button[type=submit]")
        said(company)
    page.fill("input[name=credit_code]", story.codes["university"])
    page.fill("input[name=name]", "山东激光大学")
    page.fill("textarea[name=division]", "负责激光器芯片外延生长与可靠性研究。")
    page.fill("input[name=contact_email]", story.people["university"].email)
    click(company, "#cobuilders form button[type=submit]")
    said(company)
    story.shoot(company, "company-draft-waits-for-its-co-builder")
    assert page.locator("button[data-action=submit][disabled]").count() == 1


def university_registers_from_the_mail_and_confirms(story: Story) -> None:
    at("2026-09-08 14:00")
    university = story.people["university"]
    visit(university, mail_link(story, university.email, "/register"))
    register(story, university, "山东激光大学", story.codes["university"], "university",
             "university-registers-from-the-invitation-mail")
    verify_unit(story, "山东激光大学", "bureau-verifies-the-university")
    at("2026-09-08 15:30")
    visit(university, mail_link(story, university.email, f"/applications/{story.app_id}"))
    story.shoot(university, "university-is-asked-to-confirm")
    click(university, f"form[action='/applications/{story.app_id}/confirm'] button")
    said(university)


def company_submits(story: Story) -> None:
    at("2026-09-08 16:00")
    company = story.people["company"]
    menu(company, "/my")
    click(company, f"main a[href='/applications/{story.app_id}']")
    assert company.page.locator(".refusals").count() == 0, \
        company.page.locator(".refusals").inner_text()
    click(company, "button[data-action=submit]")
    said(company)
    story.shoot(company, "company-submitted")
    assert application(story).state == AppState.SUBMITTED


def application(story: Story) -> Application:
    return fresh().get(Application, story.app_id)


def bureau_recommends(story: Story) -> None:
    at("2026-09-09 10:00")
    recommender = story.people["recommender"]
    visit(recommender, mail_link(story, recommender.email, "/recommender/calls/"))
    story.shoot(recommender, "bureau-queue-from-the-mail")
    click(recommender, f"a[href='/applications/{story.app_id}']")
    page = recommender.page
    page.select_option("select[name=rank]", "1")
    page.fill("textarea[name=opinion]", "该中心技术基础扎实，同意推荐。")
    story.shoot(recommender, "bureau-recommends")
    click(recommender, "button[data-action=recommend]")
    said(recommender)
    assert application(story).state == AppState.RECOMMENDED


def officer_closes_filing_and_passes_the_formal_review(story: Story) -> None:
    at("2026-09-21 09:30")
    officer = story.people["officer"]
    menu(officer, "/officer/calls")
    click(officer, f"main a[href='/officer/calls/{story.call_id}']")
    click(officer, "form[action$='/advance/closed'] button")
    said(officer)
    click(officer, "form[action$='/advance/reviewing'] button")
    said(officer)
    click(officer, f"main a[href='/officer/calls/{story.call_id}/formal-review']")
    click(officer, f"main a[href='/officer/applications/{story.app_id}/checklist']")
    click(officer, "button[data-action=rest_ok]")
    said(officer)
    story.shoot(officer, "officer-checklist-all-ok")
    click(officer, "button[data-action=pass_formal_review]")
    said(officer)
    assert application(story).state == AppState.FORMAL_PASSED


def officer_invites_experts(story: Story) -> None:
    at("2026-09-21 10:30")
    officer = story.people["officer"]
    page = officer.page
    menu(officer, "/officer/panels")
    click(officer, f"main a[href='/officer/calls/{story.call_id}/panels']")
    click(officer, "#review-settings-link")
    page.fill("input[name=k]", "3")
    story.shoot(officer, "officer-sets-panels-of-three")
    click(officer, "form:has(input[name=k]) button[type=submit]")
    said(officer)
    menu(officer, "/officer/panels")
    click(officer, f"main a[href='/officer/calls/{story.call_id}/panels']")
    click(officer, f"#panel-{story.app_id} a[href='/officer/applications/{story.app_id}/seats']")
    for n in (1, 2, 3):
        row = page.locator("#candidates tr", has_text=story.people[f"expert{n}"].name)
        row.locator("input[name=expert_id]").check()
    story.shoot(officer, "officer-ticks-three-experts")
    click(officer, "button[data-action=invite]")
    said(officer)
    story.shoot(officer, "officer-invited-the-panel")


def experts_activate_and_accept(story: Story) -> None:
    for n in (1, 2, 3):
        at(f"2026-09-21 1{n}:00")
        expert = story.people[f"expert{n}"]
        activate(story, expert, f"expert{n}-activates-the-account")
        assert expert.page.url.endswith("/desk"), expert.page.url
        desk_item(expert, "expert-invitations")
        if n == 1:
            story.shoot(expert, "expert-invitation")
        click(expert, "#invitations form[action$='/accept'] button")
        said(expert)
    at("2026-09-21 15:00")
    officer = story.people["officer"]
    menu(officer, "/officer/panels")
    click(officer, f"main a[href='/officer/calls/{story.call_id}/panels']")
    click(officer, "#open-ready")
    said(officer)
    story.shoot(officer, "officer-opened-the-review")
    assert application(story).state == AppState.EXPERT_REVIEW


def experts_score(story: Story) -> None:
    """Two experts find the center good, the third much less so."""
    for n, share in ((1, 0.9), (2, 0.86), (3, 0.62)):
        at(f"2026-09-22 1{n}:00")
        expert = story.people[f"expert{n}"]
        page = expert.page
        desk_item(expert, "expert-sheets")
        for box in page.locator("input[name^=score_]").all():
            most = float(box.get_attribute("max"))
            box.fill(f"{round(most * share * 2) / 2:g}")
        page.fill("textarea[name=overall]", "技术路线清晰，产学研协同基础较好。")
        if n == 1:
            story.shoot(expert, "expert-scores")
        click(expert, "button[data-action=submit_sheet]")
        said(expert)


def chair_resolves_and_confirms(story: Story) -> None:
    at("2026-09-22 16:00")
    chair = next(p for key, p in story.people.items() if key.startswith("expert")
                 and _chairs(story, p))
    page = chair.page
    assert page.locator("#alarm").count() == 1
    page.fill("textarea[name=note]", "经合议，第三位专家对产业化前景判断较审慎，维持各自评分。")
    story.shoot(chair, "chair-sees-the-dispersion-alarm")
    click(chair, "button[data-action=resolve_alarm]")
    said(chair)
    click(chair, "button[data-action=confirm_panel]")
    said(chair)
    story.shoot(chair, "chair-confirmed")
    assert application(story).state == AppState.REVIEWED


def _chairs(story: Story, expert: Person) -> bool:
    """Whether `expert` chairs the panel: their desk offers the panel page."""
    menu(expert, "/expert")
    panel = expert.page.locator("a[data-action=panel]")
    if not panel.count():
        return False
    click(expert, "a[data-action=panel]")
    return True


def leader_selects(story: Story) -> None:
    at("2026-09-24 09:30")
    leader = story.people["leader"]
    log_in(story, leader, "leader-types-the-code")
    desk_item(leader, "leader-selections")
    row = f"#app-{story.app_id}"
    leader.page.fill(f"{row} textarea[name=reason]", "综合评分排名第一，符合布局要求。")
    story.shoot(leader, "leader-selects")
    click(leader, f"{row} button[data-action=shortlist]")
    said(leader)
    assert application(story).state == AppState.PROPOSED


def officer_publishes(story: Story) -> None:
    at("2026-09-25 10:00")
    officer = story.people["officer"]
    menu(officer, "/officer/publicity")
    click(officer, f"main a[href='/officer/calls/{story.call_id}/publicity']")
    click(officer, "button[data-action=publish_publicity]")
    assert officer.page.locator("#confirm").count() == 1
    story.shoot(officer, "officer-confirms-the-announcement")
    click(officer, "button[data-action=confirm]")
    said(officer)
    story.shoot(officer, "announcement-public-page")
    assert application(story).state == AppState.PUBLICITY


def period_ends(story: Story, app) -> None:
    """The clock past the period's end; `flask tick` ends it, as cron would."""
    announcement = fresh().scalar(select(Publicity).where(Publicity.call_id == story.call_id))
    clock.freeze(publicity.ends_at(announcement) + timedelta(minutes=10))
    result = app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert application(story).state == AppState.APPROVAL_PENDING


def leader_signs(story: Story) -> None:
    at_later(minutes=50)
    leader = story.people["leader"]
    log_in(story, leader)
    visit(leader, mail_link(story, leader.email, f"/officer/calls/{story.call_id}/notice"))
    story.shoot(leader, "leader-reads-the-draft-notice")
    click(leader, "button[data-action=sign]")
    said(leader)


def officer_issues(story: Story) -> None:
    at_later(minutes=40)
    officer = story.people["officer"]
    visit(officer, mail_link(story, officer.email, f"/officer/calls/{story.call_id}/notice"))
    click(officer, "button[data-action=issue]")
    assert officer.page.locator("#confirm").count() == 1
    story.shoot(officer, "officer-confirms-the-issue")
    click(officer, "button[data-action=confirm]")
    officer.page.wait_for_selector("#progress .text-success")
    story.shoot(officer, "officer-issued-the-notice")
    assert application(story).state == AppState.APPROVED


def company_downloads_and_verifies_its_letter(story: Story) -> None:
    at_later(minutes=30)
    company = story.people["company"]
    menu(company, "/desk")
    story.shoot(company, "company-desk-offers-the-letter")
    with company.page.expect_download() as download:
        company.page.click("#applicant-documents tbody tr a[href^='/documents/']")
    saved = story.files / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert "鲁科字" in download.value.suggested_filename, download.value.suggested_filename
    menu(company, "/my")
    click(company, f"main a[href='/applications/{story.app_id}']")
    story.shoot(company, "company-application-approved")
    click(company, "#approval-documents li >> nth=1 >> a[href^='/verify/']")
    assert company.page.locator("#valid").count() == 1
    assert CENTER in company.page.locator("#units").inner_text()
    company.page.set_input_files("input[name=file]", str(saved))
    click(company, "#compare button[type=submit]")
    assert company.page.locator("#match").count() == 1
    story.shoot(company, "letter-verification-page")


def test_a_new_call_from_creation_to_the_verification_of_its_letter(
        app, chromium, live_server, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server)
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", REQUIRED_ROLES)
    # As in production: every form carries its CSRF token and its one-time token.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    monkeypatch.setitem(app.config, "FORM_TOKEN_REQUIRED", True)
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    for name in ["营业执照"] + [f"附件-{code}" for code in (
            "licence", "accounts", "rd_audit", "ip_list", "agreement", "support_letter",
            "integrity")]:
        (tmp_path / f"{name}.pdf").write_bytes(factories.PDF)

    at("2026-09-07 08:30")
    officer = factories.officer()
    officer.name = "王晓燕"
    db.session.commit()
    story = Story(chromium, live_server, tmp_path,
                  codes={"bureau": factories.credit_code(JINAN, "11"),
                         "company": factories.credit_code(JINAN, "91"),
                         "university": factories.credit_code(JINAN, "12")})
    story.person("officer", officer.name, officer.email).password = factories.PASSWORD
    story.person("leader", "李振华", "lizhenhua@kjt.example.gov.cn")
    story.person("recommender", "陈静", "chenjing@jnkj.example.gov.cn")
    story.person("company", "刘洋", "liuyang@guanggu-laser.example.com")
    story.person("university", "张雯", "zhangwen@sdlaser-univ.example.edu.cn")

    stages = [officer_enrols_and_invites_the_department, officer_creates_and_opens_the_call,
              officer_imports_the_expert_pool, company_registers_and_is_verified,
              company_fills_its_application, university_registers_from_the_mail_and_confirms,
              company_submits, bureau_recommends,
              officer_closes_filing_and_passes_the_formal_review, officer_invites_experts,
              experts_activate_and_accept, experts_score, chair_resolves_and_confirms,
              leader_selects, officer_publishes, lambda s: period_ends(s, app), leader_signs,
              officer_issues, company_downloads_and_verifies_its_letter]
    try:
        for stage in stages:
            stage(story)
    except Exception:
        for key, who in story.people.items():
            who.page.screenshot(path=str(SHOTS / f"failed-{key}.png"), full_page=True)
        raise
    finally:
        for who in story.people.values():
            who.page.context.close()
