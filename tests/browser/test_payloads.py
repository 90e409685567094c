"""Text is text everywhere: hostile text in every field people fill, then every page seen
by a facilitator, a participant's phone, the projector (in each phase) and a member through
the collective's link. Nothing may leave the machine (the context fixture fails the test
on any request off loopback), no dialog may open, no script may run, and no Markdown or
HTML typed by people may style the page: the payloads show as the characters typed.

Each of those page states is also checked by axe-core (accessibility): no violation of
moderate impact or above, but for Streamlit's own menu markup (conftest.STREAMLIT_OWN)."""

from __future__ import annotations

import re

from core.domain import inputs
from core.domain.models import CardKind, PhaseKind, VoteMode
from core.domain.templates import load_templates
from core.services import (
    actions,
    canvas_comments,
    canvas_links,
    canvases,
    cards,
    clusters,
    phases,
    scoring,
    workshops,
)
from core.services.accounts import actor_for_username
from core.settings import PROJECT_ROOT
from core.storage.db import session_scope
from tests.browser.conftest import ADMIN, ARTIFACTS, axe_violations, join, login, wait_idle

# An address of TEST-NET-3: a browser that asks for it has let a participant's text make a
# request off this machine.
OUTSIDE = "203.0.113.9"
SHORT = f"**gras** :red[rouge] ![x](http://{OUTSIDE}/x.png)"  # fits an 80-character name
NAME = f"**gras** :red[rouge] ![](//{OUTSIDE})"  # fits a 40-character participant's name
LONG = (f"{SHORT} <img src=x onerror=\"window.__pwned='img'\"> "
        "<script>window.__pwned='script'</script> <style>*{display:none}</style> "
        "[lien](javascript:window.__pwned='link') =HYPERLINK(\"http://x\") $x^2$ "
        ":material/bug_report: www.exemple.fr contact@exemple.fr")

# What the page would hold had it read a payload as Markdown or HTML.
SCAN = """() => {
  const found = [];
  if (window.__pwned) found.push('script ran: ' + window.__pwned);
  const texts = (xpath) => {
    const hits = document.evaluate(xpath, document, null,
                                   XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    return Array.from({length: hits.snapshotLength}, (_, i) => hits.snapshotItem(i));
  };
  for (const el of texts("//*[normalize-space(text())='gras' or normalize-space(text())='rouge'"
                         + " or normalize-space(text())='lien']")) {
    found.push('styled: <' + el.tagName.toLowerCase() + '> ' + el.textContent);
  }
  for (const img of document.querySelectorAll('img')) {
    if (img.src.includes('203.0.113.9') || /\\/x$/.test(img.src)) found.push('image: ' + img.src);
  }
  for (const a of document.querySelectorAll('a[href]')) {
    if (/^(javascript|mailto):|203[.]0[.]113[.]9|exemple[.]fr/.test(a.getAttribute('href'))) {
      found.push('link: ' + a.getAttribute('href'));
    }
  }
  for (const icon of document.querySelectorAll('span[role="img"]')) {
    if (icon.textContent.includes('bug_report')) found.push('icon: ' + icon.textContent);
  }
  for (const s of document.querySelectorAll('script')) {
    if (s.textContent.includes('__pwned')) found.push('script element');
  }
  for (const s of document.querySelectorAll('style')) {
    if (s.textContent.includes('*{display:none}')) found.push('style element');
  }
  if (document.querySelector('.katex')) found.push('formula rendered');
  return found;
}"""


def _world(url: str) -> dict:
    """The demo's newest workshop, every text field of it filled with payloads."""
    templates = load_templates(PROJECT_ROOT / "data")
    with session_scope(write=True, url=url) as session:
        owner = actor_for_username(session, ADMIN)
        collective = workshops.create_collective(
            session=session, actor=owner, collective_in=inputs.CollectiveCreate(
                name=SHORT, territory=SHORT, description=LONG))
        workshop = workshops.create_workshop(
            session=session, actor=owner, collective_id=collective.id,
            workshop_in=inputs.WorkshopCreate(title=SHORT),
            workshop_format=templates.formats["soiree-2h"], lang="fr")
        wid = workshop.id
        for phase in phases.phases_of(session, wid):
            phases.update_phase(session=session, actor=owner, phase_id=phase.id,
                                phase_in=inputs.PhaseUpdate(
                                    title=f"{phase.title} {SHORT}", duration_min=10,
                                    instructions=LONG))
        phases.start(session=session, actor=owner, workshop_id=wid)

        def add(text, kind=CardKind.NEED, **kw):
            return cards.add_card(session=session, actor=owner, workshop_id=wid,
                                  templates=templates, card_in=inputs.CardCreate(
                                      text=text, kind=kind, author_name=SHORT, place=SHORT,
                                      **kw))

        need = add(LONG)
        idea = add(LONG, CardKind.IDEA, need_ids=(need.id,))
        group = clusters.create_group(session=session, actor=owner, workshop_id=wid,
                                      group_in=inputs.GroupCreate(name=SHORT,
                                                                  kind=CardKind.IDEA))
        clusters.move_cards(session=session, actor=owner, workshop_id=wid,
                            moves=[(idea.id, group.id, 0)])
        scoring.add_criterion(session=session, actor=owner, workshop_id=wid, name=SHORT,
                              question=LONG)
        scoring.set_candidates(session=session, actor=owner, workshop_id=wid,
                               card_ids=[idea.id], cluster_ids=[group.id])
        scoring.configure_votes(session=session, actor=owner, workshop_id=wid,
                                mode=VoteMode.SCORES, facilitator_votes=True)
        canvas = canvases.start_canvas(session=session, actor=owner, workshop_id=wid,
                                       templates=templates, title=LONG[:160])
        canvases.save_section(session=session, actor=owner, canvas_id=canvas.id,
                              section_key="modele", text=LONG, base_revision_id=None,
                              templates=templates)
        canvas_comments.add_comment(session=session, actor=owner, canvas_id=canvas.id,
                                    section_key="modele", templates=templates,
                                    comment_in=inputs.CommentCreate(text=LONG))
        action = actions.add_action(session=session, actor=owner, workshop_id=wid,
                                    templates=templates, action_in=inputs.ActionCreate(
                                        what=LONG, who=SHORT, canvas_id=canvas.id))
        actions.set_status(session=session, actor=owner, action_id=action.id,
                           status="doing", note=LONG)
        link = canvas_links.create_access(session=session, actor=owner,
                                          collective_id=collective.id)
        return {"wid": wid, "code": workshop.join_code, "canvas": canvas.id,
                "collective": collective.id, "link": link.code, "owner": owner}


def _go(url: str, world: dict, kind: PhaseKind) -> None:
    with session_scope(write=True, url=url) as session:
        owner, wid = world["owner"], world["wid"]
        index = next(p.position for p in phases.phases_of(session, wid) if p.kind == kind)
        phases.go_to(session=session, actor=owner, workshop_id=wid, index=index)
        if kind == PhaseKind.SCORE:
            scoring.open_vote(session=session, actor=owner, workshop_id=wid)
        if kind == PhaseKind.FORMALISE:
            scoring.close_vote(session=session, actor=owner, workshop_id=wid)
            scoring.reveal_results(session=session, actor=owner, workshop_id=wid)


def test_hostile_text_stays_text_on_every_page(server, new_context):
    world = _world(server.database_url)
    dialogs: list[str] = []
    seen: dict[str, list[str]] = {}
    barriers: dict[str, list[dict]] = {}
    english: dict[str, list[str]] = {}  # Streamlit's own English in a French page
    literal = 0

    def watch(page):
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        return page

    def check(page, label: str) -> None:
        nonlocal literal
        wait_idle(page)
        seen[label] = page.evaluate(SCAN)
        barriers[label] = axe_violations(page)
        body = page.inner_text("body")
        literal += ":red[rouge]" in body
        if found := re.findall(r"View \d+ more|View less|Press Enter to \w+", body):
            english[label] = found

    facilitator = watch(new_context(viewport={"width": 1366, "height": 900}).new_page())
    login(facilitator, server.url)
    # The scan sees what it looks for: a page where a payload had been read as Markdown.
    facilitator.evaluate("""() => document.body.insertAdjacentHTML('beforeend',
        '<p id=probe><strong>gras</strong> <span style="color:red">rouge</span></p>')""")
    assert len(facilitator.evaluate(SCAN)) == 2
    facilitator.evaluate("() => document.getElementById('probe').remove()")
    wall = watch(new_context(viewport={"width": 1920, "height": 1080}).new_page())
    login(wall, server.url)
    phone = watch(new_context(viewport={"width": 390, "height": 844}).new_page())

    # The participant types hostile text in the fields of their phone.
    _go(server.database_url, world, PhaseKind.EXPLORE)
    join(phone, server.url, world["code"], NAME)
    field = phone.get_by_label("Nouveau besoin")
    field.fill(LONG)
    field.press("Enter")
    phone.get_by_text("window.__pwned='script'").first.wait_for()

    wid = world["wid"]
    wall.goto(f"{server.url}/projector?w={wid}")
    screens = {PhaseKind.WELCOME: "workshop", PhaseKind.EXPLORE: "explore",
               PhaseKind.IDEAS: "ideas", PhaseKind.GROUP: "group", PhaseKind.SCORE: "score",
               PhaseKind.FORMALISE: "canvas", PhaseKind.NEXT_STEPS: "next_steps"}
    for kind, screen in screens.items():
        _go(server.database_url, world, kind)
        wall.locator(".fab-projector-title").first.wait_for()
        check(wall, f"projector in {kind.value}")
        phone.goto(re.sub(r"/[a-z_]*\?", f"/{screen}?", phone.url, count=1))
        check(phone, f"phone: {screen}")
    phone.goto(re.sub(r"/[a-z_]*\?", "/results?", phone.url, count=1))
    check(phone, "phone: results")
    if "c=" not in phone.url:
        phone.goto(re.sub(r"/[a-z_]*\?", f"/canvas?c={world['canvas']}&", phone.url, count=1))
        check(phone, "phone: the canvas")

    for path in ("home", "facilitate", "explore", "ideas", "group", "score", "results",
                 "next_steps", "synthesis", "import", "account", "users"):
        facilitator.goto(f"{server.url}/{path}?w={wid}")
        check(facilitator, f"facilitator: {path}")
    facilitator.goto(f"{server.url}/canvas?w={wid}&c={world['canvas']}")
    check(facilitator, "facilitator: the canvas")

    member = watch(new_context().new_page())
    member.goto(f"{server.url}/canvas?k={world['link']}&c={world['canvas']}")
    check(member, "link: the canvas")
    member.goto(f"{server.url}/next_steps?k={world['link']}")
    check(member, "link: next steps")
    facilitator.screenshot(path=str(ARTIFACTS / "payloads-facilitator-canvas.png"))

    print(f"\n{len(seen)} page states × 2 payloads (a name-sized and a long one), "
          f"the literal text seen on {literal} of them")
    print(f"axe-core on the same {len(barriers)} page states: "
          f"{sum(map(len, barriers.values()))} violations (moderate and above)")
    assert {label: found for label, found in seen.items() if found} == {}
    assert dialogs == []
    assert english == {}
    assert {label: found for label, found in barriers.items() if found} == {}
    assert literal >= len(seen) * 2 // 3  # the payloads are there, shown as typed
