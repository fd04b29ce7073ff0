"""From a signed notice's content (plain data, see notices/queries.draft_content) to what
the templates print: the notice, and the letter to one of its units."""
from workflow.notices.documents.official import (
    LetterData,
    NoticeData,
    Unit,
    Verification,
    paragraph,
)


def notice_data(content: dict, *, number: str, date: str, seal_uri: str | None,
                verification: Verification | None) -> NoticeData:
    return NoticeData(
        header=content["header"], number=number, title=content["title"],
        addressees=content["addressees"],
        paragraphs=tuple(paragraph(p) for p in content["paragraphs"]),
        attachment_title=content["attachment_title"], agency=content["agency"], date=date,
        note=content["note"], cc=content["cc"], printer=content["printer"],
        units=tuple(Unit(u["center"], u["lead_unit"], tuple(u["cobuilders"]), u["city"])
                    for u in content["units"]),
        seal_uri=seal_uri, verification=verification,
    )


def letter_data(content: dict, unit: dict, *, number: str, date: str, seal_uri: str | None,
                verification: Verification | None) -> LetterData:
    """The letter to the lead unit of `unit`, its placeholders filled."""
    values = {**content["values"], "center": unit["center"], "unit": unit["lead_unit"],
              "number": number, "notice_title": content["title"], "date": date}
    return LetterData(
        header=content["agency"], title=content["letter_title"].format_map(values),
        addressee=unit["lead_unit"] + "：",
        paragraphs=tuple(paragraph(p.format_map(values)) for p in content["letter_paragraphs"]),
        agency=content["agency"], date=date, seal_uri=seal_uri, verification=verification,
    )
