"""A touch on the resident window leaves the keyboard at the counter, on a real X server under openbox
(the displays of test_x11_second_screen.py): number keys typed after it land in the counter's search
box, never in the resident window. So the resident's buttons name no keys (「非常满意」, not
「非常满意（按 5）」): a resident at the touch screen has no key that reaches them."""

from __future__ import annotations

from tests.ui.test_x11_second_screen import Counter, Place, display, pytestmark, wait_for  # noqa: F401 - fixture, marks


def test_a_touch_on_the_resident_window_leaves_the_keyboard_at_the_counter(display, db_path, clerk, tmp_path):  # noqa: F811
    counter = Counter(display, str(db_path), tmp_path)
    try:
        wait_for("the sign-in dialog", lambda: counter.status().get("active", "").endswith("登录"))
        counter.sign_in("admin")
        window = counter.assert_keyboard_at_the_counter("zs")
        resident = counter.status()["residents"][0]
        counter.xdotool("mousemove", "--window", str(resident), "300", "300", "click", "1")  # a resident's touch
        touched = dict(line.split("=", 1) for line in counter.xdotool("getmouselocation", "--shell").split())
        at = Place(int(touched["SCREEN"]), int(touched["X"]), int(touched["Y"]), 1, 1)
        assert display.second.holds_centre_of(at), f"the touch went to {at}, not the resident's screen"
        counter.type("5")
        counter.wait("the 5 in the counter's search box", lambda s: s["focus_text"] == "zs5")
        assert counter.focused_window() == window and counter.status()["active"] != "居民评价"
        counter.key("alt+F4")
        assert counter.process.wait(timeout=120) == 0
    finally:
        if counter.process.poll() is None:
            counter.process.kill()
            counter.process.wait(timeout=10)
