"""Grid events (网格事件) on a real database: every transition, every refusal (nothing stored), the roles,
the numbers and the time limits."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from gridstation.core.events import handling, lists, mediation, rules
from gridstation.core.events.register import (
    EventInput,
    PartyInput,
    add_photo,
    get_event,
    history,
    photos_of,
    register_event,
)
from gridstation.core.grids import people
from gridstation.core.intake import residents
from gridstation.core.ledgers import audit_text
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound, PermissionDenied
from gridstation.core.storage import models as m
from gridstation.core.storage import photos, settings
from tests import helpers
from tests.helpers import make_id, person_of

pytestmark = pytest.mark.both_backends

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(60))
NOW = clock.now()


def snapshot() -> dict:
    return {"rows": helpers.snapshot(), "audit": m.AuditLog.select().count()}


@pytest.fixture
def grid(clerk):
    return m.Grid.create(name="第一网格", worker=clerk)


@pytest.fixture
def resident(admin, grid):
    return residents.save_resident(admin, residents.ResidentInput(
        name="张三", doc_number=make_id(), phone="13812345678", compound="星体花园", building="3",
        unit="2", room="501", grid=grid.name))


def new_event(actor, grid=None, **kw) -> m.GridEvent:
    data = dict(category="设施损坏", level=rules.NORMAL, description="3栋路灯不亮", source=rules.PATROL,
                grid_id=grid.id if grid else None, place="星体花园3栋")
    data.update(kw)
    return register_event(actor, EventInput(**data))


def refused(fn, *args, message: str = "", **kwargs) -> DomainError:
    """Call ``fn`` expecting a refusal; nothing at all may be stored or audited."""
    before = snapshot()
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    assert snapshot() == before
    assert message in info.value.message
    return info.value


def test_register_gives_a_gap_free_number_a_time_limit_and_a_history(clerk, grid):
    found = dt.datetime(2026, 11, 27, 9, 30)  # a Friday; the station opens Monday..Friday (the default)
    wang = person_of(clerk)
    first = new_event(clerk, grid, found_at=found)
    second = new_event(clerk, grid, found_at=found, level=rules.URGENT)
    assert (first.number, second.number) == ("SJ202611270001", "SJ202611270002")
    assert first.status == rules.REGISTERED and first.finder_id == wang.id and first.grid_id == grid.id
    # 设施损坏: 一般 5 working days (Mon, Tue, Wed, Thu, Fri), 紧急 1 working day (Monday, not the Saturday).
    assert first.due_date == dt.date(2026, 12, 4) and second.due_date == dt.date(2026, 11, 30)
    assert [s.action for s in history(first)] == ["登记"]
    assert m.AuditLog.select().where(m.AuditLog.action == "登记网格事件").count() == 2
    # Numbers never collide with intake serials even when the station's prefix is SJ.
    assert m.SerialCounter.get_by_id("event:SJ20261127").last == 2


def test_time_limit_skips_closed_days_and_holidays_and_a_dispute_has_a_month(clerk, admin):
    from gridstation.core.station import station

    station.update_settings(admin, {"open_weekdays": [0, 1, 2, 3, 4], "holidays": ["2026-12-01"]})
    event = new_event(clerk, found_at=dt.datetime(2026, 11, 27, 9))  # Friday
    assert event.due_date == dt.date(2026, 12, 7)  # Mon 30, (Tue 1 holiday), Wed 2, Thu 3, Fri 4, Mon 7
    dispute = new_event(clerk, category="矛盾纠纷", found_at=dt.datetime(2026, 10, 31, 9))
    assert dispute.due_date == dt.date(2026, 11, 30)  # Nov has no 31st; the 30th is a Monday
    urgent = new_event(clerk, category="矛盾纠纷", level=rules.URGENT, found_at=dt.datetime(2026, 11, 27, 9))
    assert urgent.due_date == dt.date(2026, 12, 3)  # 3 working days


def test_register_refusals_store_nothing(clerk, grid, resident, tmp_path):
    text_file = tmp_path / "note.txt"
    text_file.write_text("不是图片")
    refused(new_event, clerk, grid, category="养狗", message="没有“养狗”这个事件类别")
    refused(new_event, clerk, grid, level="特急", message="一般")
    refused(new_event, clerk, grid, source="微信", message="事件来源只能是")
    refused(new_event, clerk, grid, description="  ", message="请填写发现的问题")
    refused(new_event, clerk, grid, found_at=NOW + dt.timedelta(hours=1), message="发现时间不能晚于现在")
    refused(new_event, clerk, grid, grid_id=999999, message="网格不存在")
    refused(new_event, clerk, grid, source=rules.RESIDENT_REPORT, message="请填写反映人")
    refused(new_event, clerk, grid, source=rules.RESIDENT_REPORT,
            reporter=PartyInput(name="路人", phone="12345"), message="联系电话")
    refused(new_event, clerk, grid, involved=[resident.id, 424242], message="找不到编号为 424242 的居民")
    refused(new_event, clerk, grid, photos=[str(text_file)], message="JPG、PNG")
    assert m.SerialCounter.select().count() == 0  # a refused event took no number


def test_photos_are_stored_in_the_database_once_by_content(clerk, grid, tmp_path):
    picture = tmp_path / "phone.png"
    picture.write_bytes(PNG)
    event = new_event(clerk, grid, photos=[picture])
    handling.handle_in_grid(clerk, event.number)
    photo = add_photo(clerk, event.number, picture, rules.AFTER, "路灯已更换")
    assert history(event)[-1].note == "处置后：路灯已更换"  # the clerk's words are kept with the photo
    assert photo.digest == hashlib.sha256(PNG).hexdigest()
    assert [p.stage for p in photos_of(event)] == [rules.BEFORE, rules.AFTER]
    assert m.Photo.select().count() == 1 and photos.photo_bytes(photo.digest) == PNG


def test_handle_in_grid_then_close_then_reopen_then_close_again(clerk, head, grid, tmp_path):
    event = new_event(clerk, grid, category="民生诉求")
    event = handling.handle_in_grid(clerk, event.number, "网格员上门查看")
    assert (event.status, event.route) == (rules.HANDLING, rules.IN_GRID)
    refused(handling.handle_in_grid, clerk, event.number, message="已在处置中")
    event = handling.add_note(clerk, event.number, "已联系物业")
    refused(handling.add_note, clerk, event.number, " ", message="请填写处置进展")
    refused(handling.close, clerk, event.number, "", message="请填写处置结果")
    event = handling.close(clerk, event.number, "已修复")
    assert (event.status, event.result, event.closed_by_id) == (rules.CLOSED, "已修复", clerk.id)
    refused(handling.add_note, clerk, event.number, "再看看", message="已销号")
    refused(handling.close, clerk, event.number, "再销一次", message="已销号")
    assert isinstance(refused(handling.reopen, clerk, event.number, "没修好", message="需要站长权限"), PermissionDenied)
    refused(handling.reopen, head, event.number, "", message="请填写返工原因")
    event = handling.reopen(head, event.number, "居民说又坏了")
    assert (event.status, event.reopen_count, event.closed_at) == (rules.HANDLING, 1, None)
    refused(handling.reopen, head, event.number, "再返工", message="还没有销号")
    event = handling.close(clerk, event.number, "更换灯具")
    assert [s.action for s in history(event)] == ["登记", "网格内处置", "进展", "销号", "返工", "销号"]
    assert m.AuditLog.select().where(m.AuditLog.entity == "grid_event").count() == 6


def test_closing_asks_for_a_photo_after_where_the_category_does(clerk, grid, tmp_path):
    event = new_event(clerk, grid, category="环境卫生")
    refused(handling.close, clerk, event.number, "已清理", message="请先添加处置后的照片")
    picture = tmp_path / "after.png"
    picture.write_bytes(PNG)
    add_photo(clerk, event.number, picture, rules.BEFORE)
    refused(handling.close, clerk, event.number, "已清理", message="请先添加处置后的照片")
    add_photo(clerk, event.number, picture, rules.AFTER)
    assert handling.close(clerk, event.number, "已清理").status == rules.CLOSED


def test_report_up_and_the_street_answer(clerk, head, grid):
    event = new_event(clerk, grid, category="安全隐患", level=rules.URGENT)
    refused(handling.record_street_answer, clerk, event.number, "已处理", message="没有上报街道")
    refused(handling.report_up, clerk, event.number, "JD-1", clock.today(), message="需要站长权限")
    refused(handling.report_up, head, event.number, "", clock.today(), message="案件编号")
    refused(handling.report_up, head, event.number, "JD-1", clock.today() + dt.timedelta(days=1),
            message="上报日期应在发现日期和今天之间")
    event = handling.report_up(head, event.number, "JD20261130-17", clock.today())
    assert (event.route, event.platform_case_no, event.status) == (rules.REPORTED_UP, "JD20261130-17", rules.HANDLING)
    logged = audit_text.sentences(m.AuditLog.select().where(m.AuditLog.action == rules.STEP_REPORT))
    assert "平台编号 JD20261130-17" in logged[0]
    refused(handling.report_up, head, event.number, "JD-2", clock.today(), message="已上报街道")
    event = handling.record_street_answer(clerk, event.number, "街道已派城管处理")
    assert event.street_answer == "街道已派城管处理"


def test_assign_to_a_person_or_a_partner_head_only(clerk, head, grid, admin):
    event = new_event(clerk, grid)
    wang = person_of(clerk)
    refused(handling.assign, clerk, event.number, person_id=wang.id, message="需要站长权限")
    refused(handling.assign, head, event.number, message="二选一")
    refused(handling.assign, head, event.number, person_id=wang.id, partner="物业", message="二选一")
    refused(handling.assign, head, event.number, partner="消防队", message="没有“消防队”这个协作单位")
    refused(handling.assign, head, event.number, person_id=wang.id + 99, message="不在网格力量名册中")
    event = handling.assign(head, event.number, person_id=wang.id)
    assert (event.assigned_to_id, event.route, event.status) == (wang.id, rules.IN_GRID, rules.HANDLING)
    event = handling.assign(head, event.number, partner="物业", note="请物业三天内修复")
    assert event.assigned_to_id is None and event.partner.name == "物业"
    assert "分派给物业；请物业三天内修复" in history(event)[-1].note
    lists.save_partner(head, "供电所")
    assert handling.assign(head, event.number, partner="供电所").partner.name == "供电所"
    # The 操作日志 says to whom (the ids alone did not).
    logged = audit_text.sentences(m.AuditLog.select().where(m.AuditLog.action == rules.STEP_ASSIGN).order_by(m.AuditLog.id))
    assert "分派给" + clerk.display_name in logged[0] and "分派给物业；请物业三天内修复" in logged[1]
    no_login = people.add_person(admin, people.PersonInput("赵楼长"))  # a grid worker need not have a login
    assert handling.assign(head, event.number, person_id=no_login.id).assigned_to.name == "赵楼长"


def test_visit_only_for_a_closed_event_a_resident_reported_and_only_once(clerk, head, grid, resident):
    patrol = new_event(clerk, grid, category="民生诉求")
    handling.close(clerk, patrol.number, "已解决")
    refused(handling.visit, clerk, patrol.number, "满意", message="不是居民反映的")
    reported = new_event(clerk, grid, category="民生诉求", source=rules.RESIDENT_REPORT,
                         reporter=PartyInput(resident_id=resident.id))
    refused(handling.visit, clerk, reported.number, "满意", message="销号后再回访")
    handling.close(clerk, reported.number, "已解决")
    refused(handling.visit, clerk, reported.number, "", message="请填写居民的意见")
    event = handling.visit(clerk, reported.number, "满意，路灯亮了")
    assert event.visit_view == "满意，路灯亮了" and event.visited_at is not None
    refused(handling.visit, clerk, reported.number, "再访", message="已于")
    # 返工 asks the resident again after the next 销号.
    handling.reopen(head, reported.number, "又坏了")
    event = handling.close(clerk, reported.number, "已更换")
    assert event.visited_at is None
    assert handling.visit(clerk, reported.number, "基本满意").visit_view == "基本满意"


def test_times_and_a_stale_window_are_refused(clerk, grid):
    event = new_event(clerk, grid, found_at=dt.datetime(2026, 11, 2, 9))
    refused(handling.handle_in_grid, clerk, event.number, at=dt.datetime(2026, 11, 1, 9), message="不能早于发现时间")
    stale = get_event(event.number)
    handling.add_note(clerk, event.number, "第一条")
    before = snapshot()
    with pytest.raises(DomainError, match="刚被其他窗口修改"):
        handling.apply_change(clerk, stale, rules.STEP_NOTE, "旧窗口", {"status": rules.HANDLING}, clock.now())
    assert snapshot() == before
    with pytest.raises(NotFound, match="SJ209901010001"):
        get_event("SJ209901010001")


def test_mediation_parties_sessions_outcome_then_close(clerk, head, grid, resident):
    event = new_event(clerk, grid, category="矛盾纠纷", description="楼上漏水引发邻里纠纷")
    plain = new_event(clerk, grid)
    refused(mediation.add_party, clerk, plain.number, PartyInput(name="李四"), message="不是矛盾纠纷")
    refused(mediation.record_session, clerk, event.number, "调解室", "王调解员", "双方陈述", message="至少两人")
    mediation.add_party(clerk, event.number, PartyInput(resident_id=resident.id))
    refused(mediation.add_party, clerk, event.number, PartyInput(resident_id=resident.id), message="已是本纠纷的当事人")
    mediation.add_party(clerk, event.number, PartyInput(name="李四", phone="13900001111", address="星体花园3栋601"))
    refused(mediation.record_outcome, clerk, event.number, rules.MEDIATION_SUCCESS, terms="赔偿", message="至少一次调解")
    session = mediation.record_session(clerk, event.number, "社区调解室", "王调解员", "双方陈述了漏水经过")
    assert session.place == "社区调解室" and [s.id for s in mediation.sessions_of(event)] == [session.id]
    refused(handling.close, clerk, event.number, "已调解", message="请先登记调解结果")
    refused(mediation.record_outcome, clerk, event.number, "和解", message="只能是")
    refused(mediation.record_outcome, clerk, event.number, rules.MEDIATION_SUCCESS, message="请填写协议内容")
    refused(mediation.record_outcome, clerk, event.number, rules.MEDIATION_FAILED, message="引导当事人去向")
    failed = mediation.record_outcome(clerk, event.number, rules.MEDIATION_FAILED, referred_to="区人民法院")
    assert (failed.mediation_outcome, failed.referred_to) == (rules.MEDIATION_FAILED, "区人民法院")
    event = mediation.record_outcome(clerk, event.number, rules.MEDIATION_SUCCESS,
                                     terms="李四于12月10日前修复防水层并赔偿张三800元。")
    assert (event.referred_to, event.mediation_outcome) == ("", rules.MEDIATION_SUCCESS)
    assert handling.close(clerk, event.number, "调解成功，已签协议").status == rules.CLOSED
    refused(mediation.add_party, clerk, event.number, PartyInput(name="王五"), message="已销号")


def test_the_category_list_is_the_stations_own(head, clerk):
    assert [c.name for c in lists.categories()] == ["环境卫生", "设施损坏", "安全隐患", "矛盾纠纷", "民生诉求", "其他"]
    refused(lists.save_category, clerk, "噪音扰民", 3, 1, message="需要站长权限")
    refused(lists.save_category, head, "噪音扰民", 3, 5, message="紧急事件的时限不能长于一般事件")
    refused(lists.save_category, head, "", 3, 1, message="类别名称不能为空")
    lists.save_category(head, "噪音扰民", 3, 1)
    lists.save_category(head, "其他", 5, 2, active=False)
    names = [c.name for c in lists.categories()]
    assert names == ["环境卫生", "设施损坏", "安全隐患", "矛盾纠纷", "民生诉求", "噪音扰民"]
    assert new_event(clerk, category="噪音扰民").category == "噪音扰民"
    refused(new_event, clerk, category="其他", message="已停用")
    assert settings.get("serial_prefix") == "SL"


def test_lists_open_overdue_closed_mine_and_filters(clerk, head, grid, resident):
    from gridstation.core.events import queries

    person_of(clerk), person_of(head)  # "mine": what the person an account is found or was given
    old = new_event(clerk, grid, found_at=dt.datetime(2026, 10, 1, 9), category="民生诉求")  # long overdue
    mine = new_event(head, None, category="其他", source=rules.RESIDENT_REPORT,
                     reporter=PartyInput(resident_id=resident.id))
    done = new_event(clerk, grid, category="民生诉求")
    handling.close(clerk, done.number, "已解决")
    handling.assign(head, mine.number, person_id=person_of(clerk).id)

    def numbers(**kw) -> list[str]:
        return [e.number for e in queries.query_events(queries.EventFilter(**kw))]

    assert numbers(which=queries.OPEN) == [old.number, mine.number]
    assert numbers(which=rules.OVERDUE) == [old.number]
    assert numbers(which=queries.CLOSED_LIST) == [done.number]
    assert set(numbers(which=queries.ALL)) == {old.number, mine.number, done.number}
    assert numbers(which=queries.MINE, me_id=clerk.id) == [old.number, mine.number]
    assert numbers(which=queries.MINE, me_id=head.id) == [mine.number]
    assert numbers(which=queries.ALL, grid_id=grid.id, category="民生诉求") == [done.number, old.number]
    assert numbers(which=queries.ALL, date_to=dt.date(2026, 10, 1)) == [old.number]
    assert queries.reporters([mine.id])[mine.id].name == "张三"


def test_a_resident_with_the_longest_address_can_be_a_party(clerk, admin, grid):
    """Compound, building, unit and room at their limits make an address longer than a party keeps."""
    long = residents.save_resident(admin, residents.ResidentInput(
        name="王五", doc_number=make_id("110101", "19800101", "123"), compound="星" * 60, building="1" * 20,
        unit="2" * 20, room="3" * 20))
    event = new_event(clerk, grid, source=rules.RESIDENT_REPORT, reporter=PartyInput(resident_id=long.id))
    party = m.EventParty.get(m.EventParty.event == event.id)
    assert len(party.address) == 120 and party.address.startswith("星" * 60)
