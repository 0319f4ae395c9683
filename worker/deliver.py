"""Deliver alerts and processed articles through Redis: one alert per (rule, story).

* :func:`claim_alert` decides, atomically, whether a (rule, story) pair alerts now: the
  first time (``new``), again when the story's killed or injured figure rises above what
  was alerted (``update``), otherwise not (``duplicate``).
* :func:`publish_alert` appends the alert to the stream ``rasad:alerts`` (the durable
  record: a subscriber that was away catches up from it) and publishes it on the pub/sub
  channel ``rasad:alerts`` (live fan-out; Redis pub/sub is at-most-once, so it is only a
  convenience, DESIGN.md "Reliability").
* :func:`publish_article` appends processed articles to the capped stream
  ``rasad:articles``.

Every side effect has an idempotency key and runs inside one Lua script, so a task that
is redelivered after a crash (``task_acks_late``) cannot alert or publish twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from worker.records import Alert

ALERTS_STREAM = "rasad:alerts"
ALERTS_CHANNEL = "rasad:alerts"
ARTICLES_STREAM = "rasad:articles"
ALERT_STATE_PREFIX = "rasad:alert:state:"  # + rule:story -> hash of what was alerted
ALERT_MARK_PREFIX = "rasad:alert:published:"  # + alert id
ARTICLE_MARK_PREFIX = "rasad:article:published:"  # + entry id
STATE_TTL_SECONDS = 30 * 86400  # outlives the story window (dedup.assign_story, 7 days)

NEW, UPDATE, DUPLICATE = "new", "update", "duplicate"


@dataclass(frozen=True)
class AlertClaim:
    """The outcome of :func:`claim_alert`; falsy when the pair must not alert.

    ``alert_id`` is deterministic (``a:<rule>:<story>:<n>``, n = 0 for the first alert),
    so a retried task rebuilds the same alert and :func:`publish_alert` drops the repeat.
    For an update, ``update_of`` is the id of the alert it supersedes and ``previous``
    holds the highest figures alerted before it (``{"killed", "injured"}``).
    """

    kind: str
    alert_id: str | None = None
    update_of: str | None = None
    previous: dict[str, int | None] | None = None

    def __bool__(self) -> bool:
        return self.kind != DUPLICATE


# KEYS[1]: state hash.  ARGV: rule, story, killed, injured ('' = unknown), entry id, ttl.
# The state keeps the highest figures alerted so far, the sequence number, the entry that
# made the last alert and the figures before it (to answer a retry of that same entry).
_CLAIM_LUA = """
local function num(v)
  if v == nil or v == false or v == '' then return nil end
  return tonumber(v)
end
local function raised(new, old) return new ~= nil and new > (old or 0) end
local killed, injured, entry, ttl = num(ARGV[3]), num(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local base = 'a:' .. ARGV[1] .. ':' .. ARGV[2] .. ':'
local s = redis.call('HGETALL', KEYS[1])
local st = {}
for i = 1, #s, 2 do st[s[i]] = s[i + 1] end
if st.seq == nil then
  redis.call('HSET', KEYS[1], 'seq', 0, 'killed', ARGV[3], 'injured', ARGV[4], 'entry', entry)
  redis.call('EXPIRE', KEYS[1], ttl)
  return {'new', base .. '0', '', '', ''}
end
local seq, old_k, old_i = tonumber(st.seq), num(st.killed), num(st.injured)
if raised(killed, old_k) or raised(injured, old_i) then
  local k = killed; if old_k ~= nil and (k == nil or old_k > k) then k = old_k end
  local j = injured; if old_i ~= nil and (j == nil or old_i > j) then j = old_i end
  redis.call('HSET', KEYS[1], 'seq', seq + 1, 'killed', k or '', 'injured', j or '',
             'entry', entry, 'prev_killed', st.killed, 'prev_injured', st.injured)
  redis.call('EXPIRE', KEYS[1], ttl)
  return {'update', base .. (seq + 1), base .. seq, st.killed, st.injured}
end
if entry ~= '' and entry == st.entry then
  if seq == 0 then return {'new', base .. '0', '', '', ''} end
  return {'update', base .. seq, base .. (seq - 1), st.prev_killed or '', st.prev_injured or ''}
end
return {'duplicate', '', '', '', ''}
"""


def _figure(value: Any) -> str:
    return "" if value is None else str(int(value))


def _parse_figure(value: str) -> int | None:
    return int(value) if value not in ("", None) else None


def claim_alert(
    redis, rule_id: str, story_id: str, casualties: dict[str, Any] | None, *,
    entry_id: str | None = None, ttl_seconds: int = STATE_TTL_SECONDS,
) -> AlertClaim:
    """Decide whether (rule, story) alerts now: ``new``, ``update`` or ``duplicate``.

    ``casualties`` is ``{"killed": int|None, "injured": int|None}``.  An update fires only
    when a figure rises above the highest one alerted for this pair.  Pass ``entry_id`` so
    that a redelivered task for the entry that won gets the same claim back (and then
    the same alert id, which :func:`publish_alert` deduplicates) instead of a duplicate
    that would lose the alert if the first attempt died before publishing.
    """
    casualties = casualties or {}
    script = redis.register_script(_CLAIM_LUA)
    kind, alert_id, update_of, prev_k, prev_i = script(
        keys=[f"{ALERT_STATE_PREFIX}{rule_id}:{story_id}"],
        args=[rule_id, story_id, _figure(casualties.get("killed")),
              _figure(casualties.get("injured")), entry_id or "", ttl_seconds],
    )
    if kind == DUPLICATE:
        return AlertClaim(DUPLICATE)
    if kind == NEW:
        return AlertClaim(NEW, alert_id)
    previous = {"killed": _parse_figure(prev_k), "injured": _parse_figure(prev_i)}
    return AlertClaim(UPDATE, alert_id, update_of or None, previous)


@dataclass(frozen=True)
class ClaimState:
    """What the claim remembers per (rule, story): the Lua script's state hash as values."""

    seq: int
    killed: int | None
    injured: int | None
    entry: str = ""
    prev_killed: int | None = None
    prev_injured: int | None = None


def decide_claim(state: ClaimState | None, rule_id: str, story_id: str,
                 casualties: dict[str, Any] | None, *,
                 entry_id: str = "") -> tuple[AlertClaim, ClaimState | None]:
    """The decision :data:`_CLAIM_LUA` takes, as a pure function of the remembered state:
    returns the claim and the state to remember.  The live path keeps the Lua script (the
    decision and the write must be one atomic step in Redis); ``rasad backtest`` replays
    claims with this, and tests/test_archive.py checks both agree step by step."""
    casualties = casualties or {}
    killed = _parse_figure(_figure(casualties.get("killed")))
    injured = _parse_figure(_figure(casualties.get("injured")))
    base = f"a:{rule_id}:{story_id}:"
    if state is None:
        return AlertClaim(NEW, base + "0"), ClaimState(0, killed, injured, entry_id)
    if _raised(killed, state.killed) or _raised(injured, state.injured):
        k = state.killed if state.killed is not None and (killed is None or state.killed > killed) \
            else killed
        j = state.injured if state.injured is not None and \
            (injured is None or state.injured > injured) else injured
        previous = {"killed": state.killed, "injured": state.injured}
        return (AlertClaim(UPDATE, f"{base}{state.seq + 1}", f"{base}{state.seq}", previous),
                ClaimState(state.seq + 1, k, j, entry_id, state.killed, state.injured))
    if entry_id and entry_id == state.entry:
        if state.seq == 0:
            return AlertClaim(NEW, base + "0"), state
        previous = {"killed": state.prev_killed, "injured": state.prev_injured}
        return AlertClaim(UPDATE, f"{base}{state.seq}", f"{base}{state.seq - 1}", previous), state
    return AlertClaim(DUPLICATE), state


def _raised(new: int | None, old: int | None) -> bool:
    return new is not None and new > (old or 0)


# KEYS[1]: marker, KEYS[2]: stream.  ARGV: maxlen ('' = untrimmed), ttl, channel ('' =
# none), then the stream fields as name/value pairs: id, <id>, payload name, <payload>, ...
# (ARGV[7], the payload, is what gets published).
_PUBLISH_LUA = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[2])) then return false end
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
local id
if ARGV[1] == '' then id = redis.call('XADD', KEYS[2], '*', unpack(fields))
else id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', unpack(fields)) end
if ARGV[3] ~= '' then redis.call('PUBLISH', ARGV[3], ARGV[7]) end
return id
"""


def append_once(redis, marker: str, stream: str, fields: list[str], *, maxlen: int | None,
                channel: str = "") -> bool:
    """XADD ``fields`` (``[id_name, id, payload_name, payload, ...]``) to ``stream`` unless
    ``marker`` exists, and PUBLISH the payload on ``channel`` if given; one atomic step.
    ``maxlen`` None: never trimmed."""
    script = redis.register_script(_PUBLISH_LUA)
    trim = "" if maxlen is None else maxlen
    return bool(script(keys=[marker, stream], args=[trim, STATE_TTL_SECONDS, channel, *fields]))


def alert_json(alert: Alert) -> str:
    """The wire form of an alert: one JSON object, Arabic kept as is."""
    return json.dumps(alert.to_dict(), ensure_ascii=False, separators=(",", ":"))


def publish_alert(redis, alert: Alert, *, maxlen: int = 100_000) -> bool:
    """Append ``alert`` to the stream and publish it on the channel, once per alert id.

    Stream fields: ``id``, ``alert`` (the JSON), ``rule``.  The stream is trimmed
    approximately (``MAXLEN ~``, cheap whole-node trimming).  Returns False when this
    alert id was already published.
    """
    fields = ["id", alert.id, "alert", alert_json(alert), "rule", alert.rule]
    return append_once(redis, ALERT_MARK_PREFIX + alert.id, ALERTS_STREAM, fields,
                    maxlen=maxlen, channel=ALERTS_CHANNEL)


def publish_article(redis, record: dict[str, Any], *, maxlen: int = 10_000) -> bool:
    """Append a processed article (``{"entry": {...}, ...}``) to the capped stream
    ``rasad:articles``, once per entry id.  Returns False when already published."""
    entry_id = record["entry"]["id"]
    payload = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    fields = ["id", entry_id, "article", payload]
    return append_once(redis, ARTICLE_MARK_PREFIX + entry_id, ARTICLES_STREAM, fields,
                       maxlen=maxlen)
