"""The texts of a call's approval notice and its letters, typed, with their defaults in this
one place, and the call's seal.

They are stored as JSON in Call.notice_settings: each text the officer saved, and the seal
when one is uploaded. A missing or empty text takes its default, except an optional text
(附注, 抄送) the officer emptied, which stays empty. The texts may use placeholders: {year},
{count}, {agency}, {platform} everywhere, and in the letter's texts also {center}, {unit},
{number}, {notice_title}, {date}. Official document content is Chinese whatever the UI
language: it is data, not translated text.
"""
from dataclasses import dataclass, fields

PARAGRAPHS = (
    "根据《山东省技术创新中心管理办法》，经单位申报、各市推荐、形式审查、专家评审、社会公示等"
    "程序，决定认定{count}家单位为{year}年度山东省{platform}（名单见附件）。",
    "各{platform}要按照建设方案要求，强化组织领导，完善运行机制，加大研发投入，集聚创新资源，"
    "加快突破关键核心技术，推动科技成果转移转化，切实发挥对产业发展的引领支撑作用。",
    "各依托单位要切实履行主体责任，在人员、经费、场地等方面提供必要保障。各市科技局要加强指导"
    "服务，在政策、资金、人才等方面给予支持。",
    "{agency}将按照有关规定，对{platform}实行年度报告和绩效评价制度，评价结果作为动态调整和"
    "政策支持的重要依据。",
)
LETTER_PARAGRAPHS = (
    "根据《{notice_title}》（{number}），你单位牵头申报的{center}经认定为{year}年度山东省"
    "{platform}。",
    "请你单位按照建设方案，会同共建单位抓紧组织实施，加大研发投入，完善运行管理机制，按要求"
    "报送年度报告，确保建设任务按期完成。",
    "特此函告。",
)


# Two-stage programs (calls/stages.py): the texts a cultivation or a recognition call's
# notice takes by default instead of the single-stage ones above.
STAGE_TEXTS = {
    "cultivation": {
        "title": "{agency}关于公布{year}年山东省{platform}培育名单的通知",
        "body": "\n".join((
            "根据山东省{platform}建设有关要求，经单位申报、各市推荐、专家评审、社会公示等程序，"
            "确定{count}家单位为{year}年山东省{platform}培育对象（名单见附件）。",
            "各培育单位要按照建设方案，加快组建运行，完善体制机制，集聚创新资源，突破关键共性"
            "技术，条件成熟后按程序申请验收认定。",
            "各市要加强指导服务，在政策、资金、人才等方面给予支持。{agency}将对培育情况进行"
            "跟踪评估，成熟一个、认定一个。",
        )),
        "attachment_title": "{year}年山东省{platform}培育名单",
        "letter_title": "{agency}关于同意培育{center}的函",
        "letter_body": "\n".join((
            "根据《{notice_title}》（{number}），你单位牵头申报的{center}列入{year}年山东省"
            "{platform}培育名单。",
            "请你单位按照建设方案，会同共建单位抓紧组织实施，条件成熟后按程序申请验收认定。",
            "特此函告。",
        )),
    },
    "recognition": {
        "title": "{agency}关于认定{count}家单位为山东省{platform}的通知",
        "body": "\n".join((
            "根据山东省{platform}建设有关要求，经培育单位申请、各市推荐、专家答辩、现场核查、"
            "社会公示等程序，决定认定{count}家单位为山东省{platform}（名单见附件）。",
            *PARAGRAPHS[1:],
        )),
        "attachment_title": "{year}年认定的山东省{platform}名单",
        "letter_title": "{agency}关于认定{center}为山东省{platform}的函",
        "letter_body": "\n".join((
            "根据《{notice_title}》（{number}），你单位牵头建设的{center}经验收认定为山东省"
            "{platform}。",
            *LETTER_PARAGRAPHS[1:],
        )),
    },
}
# A rolling call's decision on one application: its own numbered notice.
ONE_RECOGNITION_TITLE = "{agency}关于认定{center}为山东省{platform}的通知"
ONE_RECOGNITION_PARAGRAPHS = (
    "根据山东省{platform}建设有关要求，经你单位申请、专家答辩、现场核查等程序，决定认定"
    "{center}为山东省{platform}。",
    "请你单位会同共建单位按照建设方案，完善运行管理机制，加大研发投入，按要求报送年度报告，"
    "切实发挥对产业发展的引领支撑作用。",
)


@dataclass(frozen=True)
class NoticeSettings:
    agency: str  # by default the agency name of the call's department
    header: str = "{agency}文件"
    office_code: str = "鲁科字"
    title: str = "{agency}关于认定{year}年度山东省{platform}的通知"
    addressees: str = "各市科技局，省直有关部门，有关单位"
    body: str = "\n".join(PARAGRAPHS)
    attachment_title: str = "{year}年度山东省{platform}名单"
    note: str = "（此件公开发布）"
    cc: str = "省发展改革委，省工业和信息化厅，省财政厅。"
    printer: str = "{agency}办公室"
    letter_title: str = "{agency}关于同意建设{center}的函"
    letter_body: str = "\n".join(LETTER_PARAGRAPHS)
    seal: dict | None = None  # {"stored_name", "sha256", "size"} of the uploaded seal

    @classmethod
    def from_json(cls, stored: dict | None, *, agency: str, stage: str = "",
                  office_code: str = "鲁科字") -> "NoticeSettings":
        """The settings stored, each missing text at its default (`agency` and `office_code`:
        the call's department's; `stage`: a two-stage program's, whose texts differ)."""
        stored = stored or {}
        texts = {k: v for k, v in stored.items() if k in TEXT_KEYS and (v or k in OPTIONAL)}
        return cls(**{"agency": agency, "office_code": office_code,
                      **STAGE_TEXTS.get(stage, {}), **texts, "seal": stored.get("seal")})

    def texts(self) -> dict[str, str]:
        """Every text, by its key (TEXT_KEYS)."""
        return {key: getattr(self, key) for key in TEXT_KEYS}

    def to_json(self) -> dict:
        return {**self.texts(), **({"seal": self.seal} if self.seal else {})}


TEXT_KEYS = tuple(f.name for f in fields(NoticeSettings) if f.name != "seal")
OPTIONAL = frozenset({"note", "cc"})


def notice_settings_of(call) -> NoticeSettings:
    """The notice settings of `call`: its agency and office code default to those of the
    call's department (departments/models.py)."""
    return NoticeSettings.from_json(call.notice_settings, agency=call.department.agency_name,
                                    office_code=call.department.office_code,
                                    stage=call.stage or "")
