"""What the browser tests do to a page, shared by the widget's pupil and adult paths."""

from __future__ import annotations

import re
from typing import Any


def playwright_expect() -> Any:
    """Playwright's ``expect`` (imported late: the module loads without Playwright)."""
    from playwright.sync_api import expect

    return expect


def focused(page: Any) -> str:
    """The id of the element that has the focus."""
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def focus_is_visible(page: Any) -> bool:
    """Whether the focused element draws an outline (RGAA: visible focus)."""
    return bool(
        page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0; })()"
        )
    )


def pick(page: Any, field: str, typed: str, option: str) -> None:
    """Type into the autocomplete labelled `field` and click the suggestion `option`."""
    combobox = page.get_by_role("combobox", name=re.compile(f"^{re.escape(field)}"))
    combobox.press_sequentially(typed, delay=30)
    page.get_by_role("option", name=option, exact=False).first.click()


def pick_with_keys(page: Any, input_id: str, typed: str, expected: str) -> None:
    """Type into the focused autocomplete `input_id`, take the first suggestion with the
    arrow and Enter keys, and check the field then says `expected`."""
    page.keyboard.type(typed, delay=30)
    playwright_expect()(page.locator(f"#{input_id}")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    playwright_expect()(page.locator(f"#{input_id}")).to_have_value(expected)


def tab_order(page: Any, presses: int) -> list[str]:
    """The ids focused by the next `presses` presses of Tab."""
    order = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        order.append(focused(page))
    return order
