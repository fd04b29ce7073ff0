"""What the application says about a rubric item: an item may name fields of the
application's form (by their names, application_forms), and the expert's score sheet shows
their values beside it, so the figures the item weighs are at hand."""
from workflow.application_forms.queries import form_of, values
from workflow.application_forms.schema import value_text
from workflow.review.rules.rubric import items


def item_figures(rubric: dict, app) -> dict[str, list[tuple[str, str]]]:
    """(label, value) of each field an item of `rubric` names that `app`'s form asks for,
    by item code; items naming none are left out."""
    form, data = form_of(app), values(app)
    out = {}
    for _dimension, item in items(rubric):
        shown = []
        for name in item.get("fields") or ():
            field = form.by_name(name)
            if field is not None:
                shown.append((field.label_for(app.call.year),
                              value_text(field, data.get(field.key)) or "—"))
        if shown:
            out[item["code"]] = shown
    return out
