"""Every page in real headless Chromium (Debian's, via Playwright's executable_path):
no off-host request, no console error, within its weight budget, every chart drawn and
live under the page's strict Content-Security-Policy, no axe-core violation; then the
charts, the keyboard and the controls a reader uses.

A test opens a page up to its load event, then waits for what it uses. Only a test that
weighs a page or asserts what it never requests waits for the network to go quiet
(``networkidle``, half a second more per page)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import toc_pages
from tests.site_server import record_transfers, serve

pytestmark = pytest.mark.browser

# Flags that keep Chromium from calling home on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Page-weight budget, gzip-compressed and every resource counted (issue 7).
TEXT_PAGE_BUDGET = 350_000
CHART_PAGE_BUDGET = 800_000


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_a_chart_page_exists(base_url, browser):
    """Guard against the chart test passing vacuously: the sources page has a drawn chart."""
    page = browser.new_page()
    page.goto(base_url + "book/sources.html", wait_until="load")
    page.locator(".book-chart svg").first.wait_for(timeout=15_000)
    assert page.locator(".book-chart svg .mark-rect path").count() >= 5
    page.close()


def test_chart_marks_link_to_evidence_and_show_a_quote_on_hover(base_url, browser):
    """The static chart already links each cell to its quotes; pointing at it brings
    the live view, whose tooltip shows the quote; clicking opens the quotes behind it."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "book/enforcement.html", wait_until="load")
    chart = page.locator(".book-chart").first
    static_links = chart.locator("svg a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert static_links and all(link.startswith("evidence/enforcement.html#ev-") for link in static_links)
    cell = chart.locator("svg .mark-rect path").nth(8)
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.locator(".book-chart[data-live='yes']").first.wait_for(timeout=15_000)
    page.mouse.move(x + 1, y + 1)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert "Evidence" in tooltip.inner_text() and "“" in tooltip.inner_text()
    page.mouse.click(x, y)
    page.wait_for_url("**/evidence/enforcement.html#ev-*", timeout=5_000)
    anchor = page.url.split("#", 1)[1]
    assert page.locator(f"[id='{anchor}'] li q").count() >= 1, "the evidence section lists no quote"
    page.close()


def test_a_static_chart_mark_opens_its_evidence_without_vega(base_url, browser):
    """Keyboard users and readers who never point at a chart follow its links too."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "book/enforcement.html", wait_until="load")
    link = page.locator(".book-chart svg a").nth(3)
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/evidence/enforcement.html#ev-*", timeout=5_000)
    assert page.locator(f"[id='{page.url.split('#', 1)[1]}'] li q").count() >= 1
    page.close()


CHART_PAGES = ["book/sources.html", "book/enforcement.html", "book/harm-reduction.html", "book/threats.html"]
CHART_PAGES += ["book/synthesis.html"]
CHART_LINKS = ".book-chart svg a"
TOOLTIP = "#vg-tooltip-element"


def _focused_link(page) -> int:
    """The focused chart mark's place among the page's chart links (-1: focus elsewhere)."""
    return page.evaluate(f"Array.from(document.querySelectorAll('{CHART_LINKS}')).indexOf(document.activeElement)")


def _tab_to_a_chart(page, limit: int = 400) -> int:
    """Press Tab from where the focus is until it lands on a chart mark; that mark's place."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if (place := _focused_link(page)) >= 0:
            return place
    raise AssertionError(f"{limit} presses of Tab never reached a chart mark")


def _box(page, selector: str) -> dict:
    return page.locator(selector).evaluate("e => e.getBoundingClientRect().toJSON()")


def _described_by(page) -> str:
    """The focused element's accessible description, as Chromium gives it to screen readers."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": ":focus"})["nodeId"]
    (ax,) = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"][:1]
    cdp.detach()
    return ax.get("description", {}).get("value", "")


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize(
    ("page_path", "chart"),
    [
        ("book/enforcement.html", "fig-enforcement-heatmap"),
        ("book/harm-reduction.html", "fig-index-map"),
        ("book/threats.html", "fig-threat-timeline"),
    ],
)
def test_the_keyboard_reaches_a_chart_mark_and_its_tooltip_with_the_quote(base_url, browser, page_path, chart, width):
    """Tab from the top of the page to the first chart mark: its tooltip, the one a
    pointer gets, shows the quote beside the mark, inside the screen, and a screen reader
    hears it; Tab moves it to the next mark, Escape closes it and leaves the focus where it
    was, and Enter still opens the mark's evidence."""
    problems: list[str] = []
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(base_url + page_path, wait_until="load")
    first = _tab_to_a_chart(page)
    assert page.evaluate("document.activeElement.closest('figure').id") == chart
    tooltip = page.locator(TOOLTIP)
    tooltip.wait_for(state="visible", timeout=15_000)
    text = tooltip.inner_text()
    assert "Evidence" in text and "“" in text, text
    mark, tip = _box(page, ":focus"), _box(page, TOOLTIP)
    inside = tip["left"] >= 0 and tip["top"] >= 0 and tip["right"] <= width and tip["bottom"] <= 800
    assert inside, f"the tooltip {tip} leaves the {width} px screen"
    gap = max(tip["top"] - mark["bottom"], mark["top"] - tip["bottom"])
    assert 0 <= gap <= 16, f"the tooltip is {gap:.0f} px from its mark"
    assert tip["left"] < mark["right"] and mark["left"] < tip["right"], "the tooltip is not beside its mark"
    assert tooltip.get_attribute("role") == "tooltip"
    assert _described_by(page).split() == text.split()

    page.keyboard.press("Tab")
    assert _focused_link(page) > first, "Tab left the chart after its first mark"
    page.wait_for_function(f"t => document.querySelector('{TOOLTIP}').innerText !== t", arg=text, timeout=5_000)
    assert "Source" in tooltip.inner_text()
    page.keyboard.press("Shift+Tab")
    page.wait_for_function(f"t => document.querySelector('{TOOLTIP}').innerText === t", arg=text, timeout=5_000)

    page.keyboard.press("Escape")
    tooltip.wait_for(state="hidden", timeout=2_000)
    assert _focused_link(page) == first and _described_by(page) == ""
    href = page.locator(":focus").get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url("**/" + href.split("#")[0] + "#*", timeout=5_000)
    assert page.locator(f"[id='{href.split('#', 1)[1]}'] li q").count() >= 1
    page.close()
    assert not problems, problems


def test_axe_finds_nothing_with_a_chart_tooltip_open(base_url, browser):
    from axe_playwright_python.sync_playwright import DEFAULT_OPTIONS, Axe

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(base_url + "book/enforcement.html", wait_until="load")
    page.locator(CHART_LINKS).first.focus()
    page.locator(TOOLTIP).wait_for(state="visible", timeout=15_000)
    assert page.locator(f"{CHART_LINKS}[aria-describedby='vg-tooltip-element']").count() == 1
    violations = Axe().run(page, options={**DEFAULT_OPTIONS, "preload": False}).response["violations"]
    assert not violations, [f"{v['id']}: {v['nodes'][0]['target']}" for v in violations]
    page.close()


# Records every Content-Security-Policy violation, from the first byte of the page on.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${where})`);
});
"""


def _policy(page) -> dict[str, list[str]]:
    """The page's <meta> Content-Security-Policy, as directive -> sources."""
    metas = page.locator("head meta[http-equiv='Content-Security-Policy']")
    assert metas.count() == 1, f"{metas.count()} CSP <meta> elements"
    directives = [d.split() for d in metas.get_attribute("content").split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


@pytest.mark.parametrize("page_path", toc_pages())
def test_every_page_is_clean_offline_light_accessible_and_under_its_strict_policy(browser, base_url, page_path):
    """One load of each page, checked as a reader meets it:

    - offline: no request leaves the site, no HTTP error, no console or page error;
    - light: every byte the first load transfers, as a static host serves it (gzip), is
      within the page's budget, and neither Vega nor the figures for download load on view;
    - drawn: every chart has marks;
    - strict: the page's own <meta> policy allows scripts from the site's files only (no
      inline script, no eval, no other host), and nothing breaks it: not the theme, not a
      chart's tooltips once a mark is pointed at (Vega reads its expressions with its
      interpreter, not new Function), not the search page's search;
    - accessible: axe-core finds no violation (last: it injects its own script).
    """
    from axe_playwright_python.sync_playwright import DEFAULT_OPTIONS, Axe

    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.add_init_script(RECORD_VIOLATIONS)

    def guard(route):
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            problems.append(f"off-host request: {route.request.url}")
            route.abort()

    def on_response(response):
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    def on_console(message):
        if message.type == "error":
            problems.append(f"console error: {message.text}")

    page.route("**/*", guard)
    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    weigh = record_transfers(page)
    page.goto(base_url + page_path, wait_until="networkidle")

    weight = weigh()
    assert base_url + page_path in weight["loaded"] and weight["bytes"] > 0
    assert not any("vega-bundle" in url for url in weight["loaded"]), "Vega must wait until a reader points at a chart"
    drawings = [url for url in weight["loaded"] if re.search(r"/figures/[\w-]+\.(svg|png)$", url)]
    assert not drawings, f"the figures for download are loaded on view: {drawings}"
    budget = CHART_PAGE_BUDGET if weight["kind"] == "chart" else TEXT_PAGE_BUDGET
    assert weight["bytes"] <= budget, f"{page_path} transfers {weight['bytes']:,} bytes; its budget is {budget:,}"

    policy = _policy(page)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert set(policy["default-src"]) == {"'self'"}
    head = page.evaluate("document.head.innerHTML")
    first_script = head.find("<script")
    assert first_script == -1 or head.index("Content-Security-Policy") < first_script, "a script precedes the policy"
    scripts = page.locator("script:not([src]):not([type='application/json'])")
    assert scripts.count() == 0, scripts.evaluate_all("all => all.map(s => s.outerHTML.slice(0, 120))")

    charts = page.locator(".book-chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.locator("svg").first.wait_for(timeout=15_000)
        if chart.locator("svg .mark-rect path, svg .mark-symbol path, svg path").count() == 0:
            problems.append(f"chart {i} drew no marks")
            continue
        mark = chart.locator("svg a path").first
        mark.scroll_into_view_if_needed()
        box = mark.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        settled = "c => c.dataset.live && c.dataset.live !== 'loading'"
        page.wait_for_function(settled, arg=chart.element_handle(), timeout=15_000)
        assert chart.get_attribute("data-live") == "yes", f"chart {i} found no Vega under the policy"
        page.mouse.move(box["x"] + box["width"] / 2 + 1, box["y"] + box["height"] / 2 + 1)
        page.locator(TOOLTIP).wait_for(state="visible", timeout=5_000)
    if page_path == "search.html":
        assert page.evaluate("document.activeElement.name") == "q", "the search field has not the cursor"
        page.keyboard.type("Durham")
        page.keyboard.press("Enter")
        page.locator("#search-results li").first.wait_for(timeout=15_000)
        page.wait_for_load_state("networkidle")
    problems += page.evaluate("window.cspViolations")

    page.remove_listener("console", on_console)
    page.remove_listener("response", on_response)
    page.mouse.move(0, 0)  # close the tooltip (test_axe_finds_nothing_with_a_chart_tooltip_open checks it open)
    # axe's CSSOM preload resolves the theme's `@import "../basic.css"` against the
    # page instead of the stylesheet and fetches a wrong URL: a harness artefact.
    violations = Axe().run(page, options={**DEFAULT_OPTIONS, "preload": False}).response["violations"]
    problems += [f"axe {v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in violations]
    page.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [1280, 360])
def test_the_colour_mode_control_works_under_the_policy(base_url, browser, width):
    """The theme's colour-mode button, whose inline script is a file now, switches the
    page to dark, and the choice holds on the next page (colour-mode.js sets it before
    the first paint)."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(base_url + "book/intro.html", wait_until="load")
    root = "document.documentElement.dataset"
    assert page.evaluate(f"[{root}.mode, {root}.theme]") == ["light", "light"]
    switch = page.locator("button.theme-switch-button:visible").first
    modes = []
    for _ in range(3):  # the theme cycles light, dark, auto
        switch.click()
        modes.append(page.evaluate(f"{root}.mode"))
    assert set(modes) == {"dark", "auto", "light"}, modes
    while page.evaluate(f"{root}.mode") != "dark":
        switch.click()
    page.goto(base_url + "book/method.html", wait_until="domcontentloaded")
    assert page.evaluate(f"[{root}.mode, {root}.theme]") == ["dark", "dark"]
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)", "dark mode left a white page"
    violations = page.evaluate("window.cspViolations")
    page.close()
    assert not violations, violations


def test_the_visible_sidebar_button_opens_the_navigation_on_a_phone(base_url, browser):
    """The theme binds the first menu button on the page: it must be the one a reader sees
    (the hidden site-wide navbar has none, _config.yml's navbar_persistent)."""
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(base_url + "book/intro.html", wait_until="load")
    assert page.locator("button.primary-toggle").count() == 1
    page.locator("button.primary-toggle:visible").first.click()
    page.locator("dialog#pst-primary-sidebar-modal[open]").wait_for(timeout=3_000)
    assert page.locator("dialog#pst-primary-sidebar-modal a[href='sources.html']").is_visible()
    page.keyboard.press("Escape")
    page.locator("dialog#pst-primary-sidebar-modal[open]").wait_for(state="detached", timeout=3_000)
    page.close()


def test_every_html_file_the_build_writes_has_the_strict_policy_first_and_no_inline_script(site):
    """Every HTML file of the site, the redirect page included, states the policy in its
    <head> before any script or style, and has no script the policy would block."""
    pages = sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "_static")  # theme templates
    assert len(pages) >= len(toc_pages())
    for path in pages:
        text = path.read_text(encoding="utf-8")
        head = text[: text.index("</head>")]
        policies = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', head)
        assert len(policies) == 1, f"{path}: {len(policies)} policies"
        directives = {d.split()[0]: d.split()[1:] for d in policies[0].split(";") if d.strip()}
        assert directives["script-src"] == ["'self'"], f"{path}: {directives['script-src']}"
        first = min(
            (i for i in (head.find("<script"), head.find("<style"), head.find("<link")) if i >= 0), default=len(head)
        )
        assert head.index("Content-Security-Policy") < first, f"{path}: the policy comes after a script or style"
        inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text)
        assert not inline, f"{path}: inline scripts {inline}"
        assert not re.search(r"\son[a-z]+=", text.replace("\n", " ")), f"{path}: an inline event handler"


@pytest.mark.parametrize("page_path", CHART_PAGES)
def test_tab_visits_every_chart_mark_in_order_and_leaves_each_chart(base_url, browser, page_path):
    """Every chart mark is a Tab stop, in drawing order, and the last lets the focus go
    on: no chart traps the keyboard. Only a heatmap cell's number, which links where its
    cell does, is passed over: the cell is the stop."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(base_url + page_path, wait_until="load")
    links = page.locator(CHART_LINKS).evaluate_all(
        "links => links.map(a => ({href: a.getAttribute('href'), stop: a.tabIndex >= 0,"
        " label: !!a.closest('.mark-text'), chart: a.closest('.book-chart').id}))"
    )
    stops = [i for i, link in enumerate(links) if link["stop"]]
    skipped = [link for link in links if not link["stop"]]
    assert stops and all(link["label"] for link in skipped)
    assert not any(link["label"] and link["stop"] for link in links), "a cell's number is a second Tab stop"
    assert {link["href"] for link in skipped} <= {links[i]["href"] for i in stops}
    visited = [_tab_to_a_chart(page)]
    while len(visited) <= len(stops):
        page.keyboard.press("Tab")
        if (place := _focused_link(page)) < 0 and visited[-1] == stops[-1]:
            break
        if place >= 0:
            visited.append(place)
        else:
            visited.append(_tab_to_a_chart(page))  # text between two charts
    assert visited == stops
    assert page.evaluate("!document.activeElement.closest('.book-chart')"), "the focus stayed in the last chart"
    page.close()


@pytest.mark.parametrize("page_path", CHART_PAGES)
def test_each_chart_mark_shows_its_own_tooltip(base_url, browser, page_path):
    """The tooltip a mark shows on focus is that mark's: every text row of it (the
    numbers' formats differ) is in the mark's own accessible label, which vl-convert
    wrote at build time from the same row of data."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(base_url + page_path, wait_until="load")
    report = page.evaluate(
        """async ([links, tooltip]) => {
          const wrong = [];
          for (const link of document.querySelectorAll(links)) {
            link.focus();
            const tip = () => document.querySelector(tooltip);
            for (let i = 0; i < 500 && !(tip() && tip().classList.contains("visible")); i++)
              await new Promise(r => setTimeout(r, 20));
            await new Promise(r => setTimeout(r, 0));
            const rows = Array.from(tip().querySelectorAll("tr"), tr => [...tr.cells].map(c => c.textContent));
            const label = link.firstElementChild.getAttribute("aria-label");
            const words = rows.filter(([, value]) => /[A-Za-z]/.test(value));
            const missing = words.filter(([key, value]) => !label.includes(`${key}: ${value}`));
            if (words.length < 2 || missing.length) wrong.push(`${link.getAttribute("href")}: ${missing}`);
            link.blur();
          }
          return {count: document.querySelectorAll(links).length, wrong};
        }""",
        [CHART_LINKS, TOOLTIP],
    )
    assert report["count"] >= 5 and not report["wrong"], report["wrong"][:5]
    page.close()


def test_a_figures_downloads_are_named_links_that_download_and_load_nothing_on_view(base_url, browser):
    """Each figure offers its data and its drawing as plain download links, found by their
    names; the page requests none of them until one is clicked, and a click saves the file."""
    page = browser.new_page(accept_downloads=True)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(base_url + "book/enforcement.html", wait_until="networkidle")
    for name in ("Download the data (CSV)", "Download the figure (SVG)", "Download the figure (PNG)"):
        link = page.get_by_role("link", name=name, exact=True).first
        assert link.get_attribute("download") is not None, name
    assert not [url for url in requested if "/figures/" in url], requested
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the figure (PNG)", exact=True).first.click()
    assert download.value.suggested_filename == "fig-enforcement-heatmap.png"
    assert download.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.close()


def test_a_phone_screen_needs_no_sideways_scrolling(base_url, browser):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    pages = ("book/sources.html", "book/enforcement.html", "book/threats.html", "book/harm-reduction.html")
    for path in (*pages, "book/compare.html"):
        page.goto(base_url + path, wait_until="load")
        page.wait_for_timeout(300)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide on a 360 px screen"
    page.close()


def _shown_pairs(page) -> list[str]:
    return page.locator("section.pair").evaluate_all("all => all.filter(s => s.offsetParent).map(s => s.id)")


def test_a_pair_chosen_with_the_keyboard_is_the_only_one_shown_and_is_announced(base_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "book/compare.html", wait_until="load")
    sources = page.locator("#pair-first option").evaluate_all("all => all.map(o => [o.value, o.text])")
    (a, a_name), (b, _b_name), (c, c_name) = sources[:3]
    assert _shown_pairs(page) == [f"pair-{a}-{b}"], "the first pair shows until one is chosen"
    assert page.locator(".pair-list").is_hidden(), "the selects replace the list of links"
    page.locator("#pair-first").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "pair-second"
    page.keyboard.press("ArrowDown")  # the second source after the one shown: the third in time order
    assert _shown_pairs(page) == [f"pair-{a}-{c}"]
    assert page.url.endswith(f"#pair-{a}-{c}")
    assert page.locator(".pair-status[role='status']").inner_text() == f"Showing {a_name} and {c_name}."
    assert page.evaluate("document.activeElement.id") == "pair-second", "focus stays where the reader is"
    # Choosing in the first select the source the second shows swaps them: still two sources.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowDown")  # the first select on the second source: the second and third
    assert _shown_pairs(page) == [f"pair-{b}-{c}"]
    page.keyboard.press("ArrowDown")  # on the third, which the second select shows: that one takes the second
    assert page.locator("#pair-first").input_value() == c and page.locator("#pair-second").input_value() == b
    assert _shown_pairs(page) == [f"pair-{b}-{c}"]
    page.close()


def test_a_pair_address_opens_that_pair(base_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "book/compare.html", wait_until="load")
    last = page.locator("section.pair").last.get_attribute("id")
    page.goto(base_url + f"book/compare.html#{last}", wait_until="load")
    page.reload(wait_until="load")
    assert _shown_pairs(page) == [last]
    first, second = page.locator(f"#{last}").evaluate("s => [s.dataset.first, s.dataset.second]")
    assert page.locator("#pair-first").input_value() == first and page.locator("#pair-second").input_value() == second
    page.close()


def test_the_comparison_works_without_javascript(base_url, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "book/compare.html", wait_until="load")
    sections = page.locator("section.pair")
    assert sections.count() >= 6 and len(_shown_pairs(page)) == sections.count(), "every pair shows"
    assert page.locator(".pair-picker").is_hidden(), "no control that cannot work"
    links = page.locator(".pair-list a")
    assert links.count() == sections.count()
    target = links.last.get_attribute("href")
    links.last.click()
    assert page.url.endswith(target) and page.locator(target).is_visible()
    context.close()
