"""The desk: the page after login, listing what waits for the person's action now."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from workflow.desk.queries import desk
from workflow.web.views.helpers import require

bp = Blueprint("desk", __name__)


@bp.get("/desk")
@login_required
def home():
    require("desk.view")
    return render_template("desk/home.html", sections=desk.desk_of(current_user),
                           texts=desk.GROUPS)
