"""The texts of a call's public announcement (公示), typed, with their defaults in this one
place. An officer edits them per call until publication; they are stored as JSON in
Call.publicity_settings (a missing or empty text takes its default), the period in working
days in Call.publicity_workdays.
"""
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class PublicitySettings:
    title: str
    basis: str
    procedure: str
    list_title: str
    objection_address: str
    business_phone: str
    supervision_phone: str

    @classmethod
    def defaults_for(cls, call) -> "PublicitySettings":
        """The department's usual wording for the call's kind of platform and year."""
        kind, year = call.platform_type.name, call.year
        return cls(
            title=f"关于{year}年度山东省{kind}拟建设名单的公示",
            basis=f"根据《山东省{kind}管理办法》和《关于组织开展{year}年度山东省{kind}建设工作的"
                  f"通知》要求，",
            procedure="经单位申报、各市推荐、形式审查、专家评审和厅党组会议研究，确定了"
                      f"{year}年度山东省{kind}拟建设名单（见附件），现予以公示。",
            list_title=f"{year}年度山东省{kind}拟建设名单",
            # The installation's department's address; another department fills in its own.
            objection_address=call.department.agency_name + (
                "（济南市历下区解放路166号）" if call.department.runs_installation else ""),
            business_phone="0531-51751234",
            supervision_phone="0531-51751000",
        )

    @classmethod
    def from_json(cls, stored: dict | None, call) -> "PublicitySettings":
        """The texts stored for `call`, each missing or empty one at its default."""
        saved = {k: v for k, v in (stored or {}).items() if k in SETTING_KEYS and v}
        return cls(**{**asdict(cls.defaults_for(call)), **saved})

    def to_json(self) -> dict[str, str]:
        return asdict(self)


SETTING_KEYS = tuple(f.name for f in fields(PublicitySettings))


def publicity_settings_of(call) -> PublicitySettings:
    return PublicitySettings.from_json(call.publicity_settings, call)
