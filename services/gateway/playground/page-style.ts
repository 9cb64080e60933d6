/**
 * The playground's style: system fonts only (nothing to download offline), light and dark by the
 * user's preference, two columns on a wide screen and one on a phone.
 */
export const pageStyle = `
:root { color-scheme: light dark; --bg: #f6f7f9; --panel: #fff; --text: #1d2330; --muted: #667085; --line: #dde1e8;
  --accent: #3358d4; --user: #e7eefc; --bot: #fff; --bad: #b42318; --radius: 10px; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #14161b; --panel: #1c1f26; --text: #e6e8ee; --muted: #98a2b3; --line: #2e333d; --accent: #7f9cff;
    --user: #23304d; --bot: #1c1f26; --bad: #ff8a80; }
}
* { box-sizing: border-box; }
html, body { margin: 0; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", NanumGothic, sans-serif;
  background: var(--bg); color: var(--text); display: flex; flex-direction: column; min-height: 100dvh; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.muted { color: var(--muted); }
button, input, textarea { font: inherit; color: inherit; }
input, textarea { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .45rem .6rem; }
input:focus-visible, textarea:focus-visible, button:focus-visible, summary:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 8px; padding: .45rem .9rem; cursor: pointer; font-weight: 600; }
button[type=button] { background: transparent; color: var(--accent); border: 1px solid var(--accent); }
button:disabled { opacity: .5; cursor: progress; }
button.small { padding: .15rem .55rem; font-size: .85em; }

.bar { background: var(--panel); border-bottom: 1px solid var(--line); padding: .6rem 1rem; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: center; }
.bar h1 { font-size: 1.15rem; margin: 0; white-space: nowrap; }
.bar h1 span { color: var(--muted); font-weight: 400; }
.connect { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; flex: 1; }
.connect label { display: flex; flex-direction: column; font-size: .8rem; color: var(--muted); gap: .1rem; }
.connect input { width: 14rem; max-width: 100%; }
.connect label:nth-child(2) input { width: 17rem; font-family: ui-monospace, monospace; font-size: .85rem; }
.system { width: 100%; font-size: .85rem; color: var(--muted); }
.system textarea { width: 100%; margin-top: .3rem; }

.layout { flex: 1; display: grid; grid-template-columns: minmax(0, 1fr) 19rem; gap: 1rem; padding: 1rem; min-height: 0; }
.chat { display: flex; flex-direction: column; min-height: 0; background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); }
.log { list-style: none; margin: 0; padding: 1rem; flex: 1; overflow-y: auto; min-height: 12rem; max-height: calc(100dvh - 15rem); display: flex; flex-direction: column; gap: .8rem; }
.msg { max-width: 85%; padding: .55rem .8rem; border-radius: var(--radius); border: 1px solid var(--line); }
.msg.user { align-self: flex-end; background: var(--user); }
.msg.assistant { align-self: flex-start; background: var(--bot); }
.msg .who { font-size: .75rem; color: var(--muted); font-weight: 600; }
.msg .text { white-space: pre-wrap; overflow-wrap: anywhere; }
.msg.streaming .text::after { content: "▍"; color: var(--accent); animation: blink 1s steps(1) infinite; }
@keyframes blink { 50% { opacity: 0; } }
.badges { display: flex; flex-wrap: wrap; gap: .3rem; margin-top: .45rem; }
.badge { font-size: .75rem; padding: .05rem .5rem; border-radius: 999px; border: 1px solid var(--line); color: var(--muted); white-space: nowrap; }
.badge.intent { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
.badge.state { color: var(--text); }
.badge.error { color: var(--bad); border-color: var(--bad); }
.composer { display: flex; gap: .5rem; padding: .7rem; border-top: 1px solid var(--line); align-items: end; }
.composer textarea { flex: 1; resize: vertical; min-height: 2.6rem; max-height: 12rem; }

.side { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: .8rem 1rem; overflow-y: auto; font-size: .9rem; }
.side-head { display: flex; justify-content: space-between; align-items: center; }
.side h2 { font-size: 1rem; margin: 0; }
.side h3 { font-size: .85rem; margin: 1rem 0 .3rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.facts { display: grid; grid-template-columns: auto 1fr; gap: .2rem .8rem; margin: .6rem 0 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; }
.history { margin: 0; padding-left: 1.2rem; }
.history li.muted { list-style: none; margin-left: -1.2rem; }
.summary { margin: 0; white-space: pre-wrap; }
.status { margin: 0; padding: 0 .8rem .5rem; font-size: .85rem; color: var(--muted); min-height: 1.8rem; overflow-wrap: anywhere; }
.status.error { color: var(--bad); }

@media (max-width: 760px) {
  .bar { flex-direction: column; align-items: stretch; padding: .5rem .7rem; }
  .connect label { flex: 1 1 100%; }
  .connect input, .connect label:nth-child(2) input { width: 100%; }
  .connect button { flex: 1; }
  .layout { display: flex; flex-direction: column; padding: .5rem; gap: .5rem; }
  .chat { flex: none; }
  .log { height: 58dvh; max-height: none; min-height: 16rem; padding: .7rem; }
  .msg { max-width: 94%; }
  .side { overflow: visible; }
}
`;
