"""The small lifecycles (seats, objections, numbers, notices): each table, read as written,
and a refused move named in words."""
import pytest
from flask_babel import force_locale

from workflow.core.errors import ServiceError
from workflow.notices.models import NOTICE_MACHINE, NUMBER_MACHINE, NoticeState, NumberStatus
from workflow.publicity.models import OBJECTION_MACHINE, ObjectionStatus
from workflow.review.models import SEAT_MACHINE, SeatStatus

TABLES = [
    # machine, event, from, to, audit action
    (SEAT_MACHINE, "accept", {SeatStatus.INVITED}, SeatStatus.ACCEPTED, "accept_seat"),
    (SEAT_MACHINE, "decline", {SeatStatus.INVITED}, SeatStatus.DECLINED, "decline_seat"),
    (SEAT_MACHINE, "declare_conflict", {SeatStatus.INVITED, SeatStatus.ACCEPTED},
     SeatStatus.DECLINED, "declare_conflict"),
    (SEAT_MACHINE, "release", {SeatStatus.INVITED, SeatStatus.ACCEPTED}, SeatStatus.DECLINED,
     "release_seat"),
    (OBJECTION_MACHINE, "refuse", {ObjectionStatus.OPEN}, ObjectionStatus.NOT_ADMISSIBLE,
     "handle_objection"),
    (OBJECTION_MACHINE, "dismiss", {ObjectionStatus.OPEN}, ObjectionStatus.DISMISSED,
     "dismiss_objection"),
    (OBJECTION_MACHINE, "uphold", {ObjectionStatus.OPEN}, ObjectionStatus.UPHELD,
     "uphold_objection"),
    (NUMBER_MACHINE, "void", {NumberStatus.ISSUED}, NumberStatus.VOIDED, "void_number"),
    (NOTICE_MACHINE, "number", {NoticeState.SIGNED}, NoticeState.ISSUING, "notice_numbered"),
    (NOTICE_MACHINE, "complete", {NoticeState.ISSUING}, NoticeState.ISSUED, "notice_issued"),
]


@pytest.mark.parametrize(("machine", "event", "sources", "target", "action"), TABLES)
def test_table_holds_the_move(machine, event, sources, target, action):
    move = machine.moves[event]
    assert (set(move.sources), move.target, move.action) == (sources, target, action)


def test_every_move_is_in_the_table():
    for machine in {row[0] for row in TABLES}:
        listed = {row[1] for row in TABLES if row[0] is machine}
        assert set(machine.moves) == listed


def test_refused_move_names_state_and_event(app):
    with force_locale("en"):
        with pytest.raises(ServiceError, match="A panel seat that is declined cannot accept."):
            SEAT_MACHINE.step(SeatStatus.DECLINED, "accept")
        with pytest.raises(ServiceError, match="A document number that is voided cannot void."):
            NUMBER_MACHINE.step(NumberStatus.VOIDED, "void")
    with pytest.raises(ServiceError, match="处于“declined”状态的评审席位不能执行“accept”。"):
        SEAT_MACHINE.step(SeatStatus.DECLINED, "accept")


def test_stored_values_stay_the_same_strings():
    assert [str(s) for s in SeatStatus] == ["invited", "accepted", "declined"]
    assert [str(s) for s in ObjectionStatus] == ["open", "not_admissible", "dismissed",
                                                 "upheld"]
    assert [str(s) for s in NumberStatus] == ["issued", "voided"]
    assert [str(s) for s in NoticeState] == ["signed", "issuing", "issued"]
