/**
 * The playground's style: the self-hosted Noto Sans KR for all text (Hangul and Latin alike; a stock
 * Linux has no Hangul font at all); light and dark by the user's preference. The page itself never
 * scrolls: the conversation log does, so the composer stays in reach. Two columns on a wide screen; on
 * a phone the settings and the session panel fold into one line each.
 *
 * Noto Sans KR is first in the family list on purpose. Behind system-ui, Chromium draws a Hangul
 * character whose slice is not loaded yet with the system font's box, and keeps the box after the slice
 * arrives: text laid out before its slice loaded (the Korean example on first paint, a bold time in the
 * session panel) stayed tofu for good. First in the list, a loading slice is tracked and the text is
 * redrawn when it lands.
 */
export const pageStyle = `
:root { color-scheme: light dark; --bg: #f6f7f9; --panel: #fff; --text: #1d2330; --muted: #5f6b7f; --line: #dde1e8;
  --accent: #3358d4; --accent-soft: #e7ecfb; --user: #e7eefc; --bot: #fff; --bad: #b42318; --radius: 10px; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #14161b; --panel: #1c1f26; --text: #e6e8ee; --muted: #98a2b3; --line: #2e333d; --accent: #7f9cff;
    --accent-soft: #252d45; --user: #23304d; --bot: #1c1f26; --bad: #ff8a80; }
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font: 15px/1.55 "Noto Sans KR", system-ui, -apple-system, "Segoe UI", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif;
  background: var(--bg); color: var(--text); display: flex; flex-direction: column; height: 100dvh; overflow: hidden;
  word-break: keep-all; overflow-wrap: anywhere; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.muted { color: var(--muted); }
[hidden] { display: none !important; }
button, input, textarea { font: inherit; color: inherit; }
input, textarea { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .45rem .6rem; min-width: 0; }
input[aria-invalid] { border-color: var(--bad); }
input:focus-visible, textarea:focus-visible, button:focus-visible, summary:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
button { border-radius: 8px; padding: .45rem .9rem; cursor: pointer; font-weight: 600; border: 1px solid var(--accent); background: transparent; color: var(--accent); }
button.primary { background: var(--accent); color: #fff; }
@media (prefers-color-scheme: dark) { button.primary { color: #0d1220; } }
button.secondary { border-color: var(--line); color: var(--text); font-weight: 500; }
button:disabled { opacity: .5; cursor: progress; }
button.small { padding: .1rem .55rem; font-size: .8rem; }
summary { cursor: pointer; }
a { color: var(--accent); }

.bar { background: var(--panel); border-bottom: 1px solid var(--line); padding: .6rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.2rem; align-items: center; }
.bar h1 { font-size: 1.15rem; margin: 0; white-space: nowrap; }
.bar h1 span { color: var(--muted); font-weight: 400; }
.setup { flex: 1; display: contents; }
.setup > summary { display: none; }
.connect { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: start; flex: 1; }
.field { display: flex; flex-direction: column; gap: .1rem; }
.field label { font-size: .78rem; color: var(--muted); }
.field .row { display: flex; gap: .4rem; }
#session { width: 17rem; font-family: ui-monospace, monospace; font-size: .85rem; }
#key { width: 12rem; }
.field-error { margin: 0; font-size: .8rem; color: var(--bad); max-width: 24rem; }
.field-error:empty { display: none; }
.auth-off { margin: 1.2rem 0 0; font-size: .8rem; color: var(--muted); }
[data-auth=off] .field.key, [data-auth=on] .auth-off { display: none; }
.system { width: 100%; font-size: .85rem; color: var(--muted); }
.system textarea { width: 100%; margin-top: .3rem; }

.layout { flex: 1; display: grid; grid-template-columns: minmax(0, 1fr) 20rem; gap: 1rem; padding: 1rem; min-height: 0; }
.chat { display: flex; flex-direction: column; min-height: 0; background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); }
.log { list-style: none; margin: 0; padding: 1rem; flex: 1; overflow-y: auto; min-height: 0; display: flex; flex-direction: column; gap: .8rem; }
.empty { flex: 1; padding: 1rem 1.4rem; color: var(--muted); display: flex; flex-direction: column; gap: .5rem; align-items: flex-start; justify-content: center; }
.empty p { margin: 0 0 .3rem; }
.example { font-weight: 500; text-align: left; background: var(--accent-soft); border-color: transparent; color: var(--text); }
.log:empty { flex: 0; padding: 0; }
/* A bubble may shrink below its longest unbroken token (a URL, 300 Hangul without a space) and breaks it
   itself, instead of relying on what it inherits. */
.msg { max-width: 85%; min-width: 0; overflow-wrap: anywhere; word-break: keep-all; padding: .55rem .8rem; border-radius: var(--radius); border: 1px solid var(--line); }
.msg.user { align-self: flex-end; background: var(--user); }
.msg.assistant { align-self: flex-start; background: var(--bot); }
.msg .who { font-size: .75rem; color: var(--muted); font-weight: 700; display: flex; gap: .5rem; }
.msg .who .at, .history .at { font-weight: 400; color: var(--muted); font-variant-numeric: tabular-nums; }
.msg .text { white-space: pre-wrap; }
.msg.streaming .text::after { content: "▍"; color: var(--accent); animation: blink 1s steps(1) infinite; }
@keyframes blink { 50% { opacity: 0; } }
.badges { display: flex; flex-wrap: wrap; gap: .3rem; margin-top: .45rem; }
.badge { font-size: .75rem; padding: .05rem .5rem; border-radius: 999px; border: 1px solid var(--line); color: var(--muted); cursor: help; }
.badge.intent { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 700; }
@media (prefers-color-scheme: dark) { .badge.intent { color: #0d1220; } }
.badge.state { color: var(--text); }
.badge.sentiment[data-sentiment=negative] { color: var(--bad); border-color: var(--bad); }
.badge.error { color: var(--bad); border-color: var(--bad); }
.composer { display: flex; gap: .5rem; padding: .7rem; border-top: 1px solid var(--line); align-items: end; }
.composer textarea { flex: 1; resize: vertical; min-height: 2.6rem; max-height: 12rem; }
.status { margin: 0; padding: 0 .8rem .5rem; font-size: .85rem; color: var(--muted); min-height: 1.8rem; }
.status.error { color: var(--bad); }

.side { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: .8rem 1rem; overflow-y: auto; font-size: .9rem; min-height: 0; }
.side-head { display: flex; gap: .6rem; align-items: center; list-style: none; cursor: default; }
.side-head::-webkit-details-marker { display: none; }
.side-head .title { font-size: 1rem; font-weight: 700; }
.side-head .brief { flex: 1; color: var(--muted); font-size: .8rem; }
/* The brief stands in for the facts while the panel is folded (on a phone); open, the facts say it. */
.side[open] .side-head .brief { visibility: hidden; }
.side h3 { font-size: .78rem; margin: 1rem 0 .3rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.facts { display: grid; grid-template-columns: auto 1fr; gap: .2rem .8rem; margin: .6rem 0 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-weight: 700; }
.history { margin: 0; padding-left: 1.2rem; }
.history li.muted { list-style: none; margin-left: -1.2rem; }
.summary { margin: 0; white-space: pre-wrap; }
.legend { margin: 0; padding: 0; list-style: none; display: flex; flex-direction: column; gap: .35rem; font-size: .8rem; color: var(--muted); }
.legend .badge { cursor: default; margin-right: .2rem; }

@media (max-width: 760px) {
  body { font-size: 15px; }
  .bar { padding: .45rem .7rem; gap: .4rem .6rem; }
  .bar h1 { font-size: 1rem; flex: 1; }
  .bar #new { padding: .3rem .7rem; }
  .setup { display: block; width: 100%; }
  .setup > summary { display: list-item; font-size: .8rem; color: var(--muted); }
  .setup[open] { max-height: 60dvh; overflow-y: auto; }
  .connect { margin-top: .4rem; }
  .field, .field .row { width: 100%; }
  #session, #key { width: 100%; flex: 1; }
  .auth-off { margin: 0; }
  .layout { display: flex; flex-direction: column; padding: .5rem; gap: .5rem; }
  .chat { flex: 1; }
  .log { padding: .7rem; }
  .msg { max-width: 94%; }
  .side { flex: none; padding: .5rem .8rem; max-height: 3rem; }
  .side[open] { max-height: 55dvh; }
  .side-head { cursor: pointer; gap: .4rem; }
  .side-head .brief { min-width: 0; font-size: .75rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .side-head::after { content: "▸"; color: var(--muted); }
  .side[open] .side-head::after { content: "▾"; }
}
`;
