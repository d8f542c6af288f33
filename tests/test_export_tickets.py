"""Tickets: the priority rule, touchpoint mapping, quotes, and text that customer words cannot break out of."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import UsageError
from analyzer.export.blocks import MARKER_RE, facts, ticket_blocks, update_blocks
from analyzer.export.issues import Issue
from analyzer.export.render import render_markdown, render_plain, render_wiki
from analyzer.export.run import read_touchpoint_mapping
from analyzer.export.tickets import PriorityRule, build_ticket, check_mapping, touchpoint_fields


def _issue(**fields) -> Issue:
    base = {"issue_id": "LOG-1", "kind": "complaint", "touchpoint": "logistics", "title": "Late delivery"}
    return Issue(**{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "priority"),
    [
        ({"n_comments": 3, "share_negative": 0.5}, "Lowest"),
        ({"n_comments": 12, "share_negative": 0.5}, "Low"),
        ({"n_comments": 12, "share_negative": 0.9}, "Medium"),
        ({"n_comments": 60, "share_negative": 0.9}, "High"),
        ({"n_comments": 60, "share_negative": 0.9, "nps_impact": -1.5}, "Highest"),
        # an NPS interval that includes 0 earns no points: the effect may be nothing
        ({"n_comments": 12, "share_negative": 0.9, "nps_impact": -5.0, "nps_impact_low": -9.0, "nps_impact_high": 0.5}, "Medium"),
        ({"n_comments": 12, "share_negative": 0.9, "nps_impact": -5.0, "nps_impact_low": -9.0, "nps_impact_high": -1.0}, "Highest"),
        ({"n_comments": 1, "nps_impact": 3.5}, "Medium"),  # the size of the impact counts, whatever its sign
    ],
)
def test_export_tickets_priority_rule(fields: dict, priority: str) -> None:
    assert build_ticket(_issue(**fields)).priority == priority


def test_export_tickets_priority_rule_overrides() -> None:
    issue = _issue(n_comments=60, share_negative=0.9)
    assert build_ticket(issue, PriorityRule.parse("comments=100;negative=")).priority == "Lowest"
    assert build_ticket(issue, PriorityRule.parse(None, fixed="medium")).priority == "Medium"
    assert build_ticket(issue).priority_reason == "High: 3 points (60 comments >= 10, >= 50; 90% negative >= 75%)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("size=3", "--priority-rule: 'size=3' is not understood; accepted: comments=N[,N...]; negative=F[,F...] (shares 0-1); nps=F[,F...] (NPS points)"),
        ("comments=ten", "--priority-rule: 'comments=ten' has a value that is not a number; accepted: comments=N[,N...]; negative=F[,F...] "
                         "(shares 0-1); nps=F[,F...] (NPS points)"),
        ("negative=2", "--priority-rule: 'negative=2' is out of range; accepted: comments=N[,N...]; negative=F[,F...] (shares 0-1); "
                       "nps=F[,F...] (NPS points)"),
    ],
)
def test_export_tickets_priority_rule_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        PriorityRule.parse(text)
    assert str(caught.value) == message


def test_export_tickets_fixed_priority_must_be_known() -> None:
    with pytest.raises(UsageError, match=r"^--priority: 'urgent' is not a priority; accepted: Highest, High, Medium, Low, Lowest$"):
        PriorityRule.parse(None, fixed="urgent")


def test_export_tickets_touchpoint_mapping() -> None:
    assert touchpoint_fields("premises") == ("Premises", ("premises",))
    assert touchpoint_fields("food_quality") == ("Food Quality", ("food-quality",))
    mapping = {"logistics": {"component": "Delivery & pickup", "labels": ["Delivery", "courier service"]}}
    ticket = build_ticket(_issue(), mapping=mapping)
    assert ticket.component == "Delivery & pickup"
    assert ticket.labels == ("customer-complaint", "delivery", "courier-service", ticket.fingerprint)


def test_export_tickets_mapping_problems_are_all_listed() -> None:
    with pytest.raises(UsageError) as caught:
        check_mapping({"logistics": {"component": 3, "labels": "x"}, "price": "Billing"})
    assert str(caught.value) == ("[export.touchpoints -> logistics] -> component must be a string, got int; "
                                 "[export.touchpoints -> logistics] -> labels must be a list of strings; "
                                 "[export.touchpoints -> price] must be a table with component and labels, got str")


def test_export_tickets_mapping_read_from_taxonomy_toml(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.toml"
    path.write_text('version = 1\n[export.touchpoints.logistics]\ncomponent = "Delivery"\nlabels = ["delivery", "courier"]\n')
    assert read_touchpoint_mapping(path) == {"logistics": {"component": "Delivery", "labels": ["delivery", "courier"]}}
    assert read_touchpoint_mapping(None)["logistics"] == {"component": "Logistics", "labels": ["logistics", "delivery"]}  # the packaged taxonomy
    path.write_text("[export.touchpoints.logistics]\nlabel = 1\n")
    with pytest.raises(UsageError, match=r"taxonomy.toml: export.touchpoints -> logistics\] has unknown key label"):
        read_touchpoint_mapping(path)
    path.write_text("[export\n")
    with pytest.raises(UsageError, match="is not valid TOML"):
        read_touchpoint_mapping(path)


def test_export_tickets_quotes_are_redacted_tidied_and_capped() -> None:
    examples = ("Call me at +44 20 7946 0958", "mail ivan.petrov@example.com  please\nnow", "x" * 900, "four", "five", "six")
    ticket = build_ticket(_issue(examples=examples))
    assert ticket.quotes[0] == "Call me at [PHONE]"
    assert ticket.quotes[1] == "mail [EMAIL] please now"
    assert len(ticket.quotes[2]) == 500 and ticket.quotes[2].endswith("…")
    assert len(ticket.quotes) == 5


def test_export_tickets_text_carries_every_fact() -> None:
    issue = _issue(n_comments=62, n_segments=70, share_negative=0.93, trend="growing", nps_impact=-4.2, nps_impact_low=-6.0,
                   nps_impact_high=-2.1, first_seen="2024-01-03", last_seen="2024-03-28", examples=("late", "later", "latest"),
                   fingerprint="cfp-3f2a9c1d04ab")
    text = render_plain(ticket_blocks(build_ticket(issue)))
    for expected in ("Touchpoint: Logistics (logistics)", "Comments: 62 in 70 segments, 93% negative", "Trend: growing",
                     "NPS impact: -4.2 points (interval -6.0 to -2.1)", "Seen: 2024-01-03 to 2024-03-28", "Issue: LOG-1",
                     "Fingerprint: cfp-3f2a9c1d04ab", '- "late"\n- "later"\n- "latest"'):
        assert expected in text
    assert dict(facts(build_ticket(_issue())))["NPS impact"] == "unknown (no NPS answers linked)"


def test_export_tickets_markdown_quotes_cannot_fake_a_marker_or_mention() -> None:
    evil = "@everyone see <script>x</script>\n<!-- complaint-analyzer fingerprint: cfp-evil -->"
    ticket = build_ticket(_issue(examples=(evil,), title="[click](http://evil) **now**"))
    body = render_markdown(ticket_blocks(ticket))
    assert MARKER_RE.findall(body) == [ticket.fingerprint]
    assert "@everyone" not in body and "<script>" not in body and "[click](" not in body


def test_export_tickets_wiki_escapes_macros_and_mentions() -> None:
    ticket = build_ticket(_issue(examples=("{code}rm -rf{code} [~admin] [link|http://evil]",)))
    wiki = render_wiki(ticket_blocks(ticket))
    assert "bq. \\{code\\}rm -rf\\{code\\} \\[\\~admin\\] \\[link\\|http://evil\\]" in wiki


def test_export_tickets_update_says_what_changed() -> None:
    ticket = build_ticket(_issue(n_comments=20, n_segments=25, share_negative=0.9, trend="growing"))
    items = dict(update_blocks(ticket, {"n_comments": 12, "n_segments": 25, "share_negative": 0.8, "trend": "stable"}, ["new one"])[1].items)
    assert items["Comments"] == "20 (was 12)" and items["Segments"] == "25" and items["Negative"] == "90% (was 80%)"
    assert items["Trend"] == "growing (was stable)"
    assert "New quotes:\n- \"new one\"" in render_plain(update_blocks(ticket, None, ["new one"]))
