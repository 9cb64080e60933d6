/**
 * Browser code of the playground, part 2: the page. Text from the server only ever goes in through
 * textContent, never innerHTML, so a reply cannot inject markup. Enter sends and Shift+Enter adds a
 * line, except while an IME is composing (Korean input confirms syllables with Enter).
 */
export const pageScriptUi = String.raw`
var $ = function (id) { return document.getElementById(id); };
var ui = {
  key: $('key'), session: $('session'), connect: $('connect'), newBtn: $('new'), system: $('system'), log: $('log'),
  composer: $('composer'), input: $('input'), send: $('send'), status: $('status'), facts: $('facts'),
  history: $('history'), summary: $('summary'), refresh: $('refresh'),
};
var current = null;
var busy = false;

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function setStatus(text, isError) { ui.status.textContent = text; ui.status.className = isError ? 'status error' : 'status'; }
function scrollLog() { ui.log.scrollTop = ui.log.scrollHeight; }

function bubble(role, text) {
  var li = el('li', 'msg ' + role);
  li.appendChild(el('div', 'who', role === 'user' ? 'You' : 'turnq'));
  li.appendChild(el('div', 'text', text || ''));
  ui.log.appendChild(li);
  scrollLog();
  return li;
}

function badges(li, turn) {
  var row = el('div', 'badges');
  var add = function (cls, text, title) { var b = el('span', 'badge ' + cls, text); if (title) b.title = title; row.appendChild(b); return b; };
  if (turn.intent) {
    add('intent', turn.intent.label, 'intent').dataset.intent = turn.intent.label;
    add('method', turn.intent.method + ' ' + Math.round(turn.intent.confidence * 100) + '%', 'how the intent was found, and its confidence');
  }
  if (turn.state) add('state', turn.state.from === turn.state.to ? 'state ' + turn.state.to : turn.state.from + ' → ' + turn.state.to, 'conversation state');
  if (turn.usage) add('tokens', turn.usage.promptTokens + ' + ' + turn.usage.completionTokens + ' tokens', 'prompt + completion tokens');
  if (turn.context) {
    add('context', 'context ' + Math.round(turn.context.compressionRatio * 100) + '% · ' + turn.context.messagesKept + '/' + turn.context.messagesTotal
      + ' msgs' + (turn.context.summaryUsed ? ' + summary' : ''), 'history kept in the prompt: ' + turn.context.keptTokens + ' of ' + turn.context.originalTokens + ' tokens');
  }
  if (turn.timings) add('time', (turn.timings.totalMs / 1000).toFixed(2) + ' s', 'queued ' + turn.timings.queuedMs + ' ms, intent ' + turn.timings.intentMs + ' ms, reply ' + turn.timings.responseMs + ' ms');
  if (turn.status !== 'completed') add('error', turn.status + (turn.error ? ': ' + turn.error.message : ''));
  li.appendChild(row);
  scrollLog();
}

function renderSession(s) {
  ui.facts.replaceChildren();
  [['State', s.state], ['Messages', s.messageCount], ['Tokens', s.totalTokens], ['Pending turns', s.pendingTurns]].forEach(function (p) {
    ui.facts.appendChild(el('dt', '', p[0]));
    ui.facts.appendChild(el('dd', '', String(p[1])));
  });
  ui.history.replaceChildren();
  if (!s.stateHistory.length) ui.history.appendChild(el('li', 'muted', 'no changes yet (started in greeting)'));
  s.stateHistory.forEach(function (h) { ui.history.appendChild(el('li', '', h.from + ' → ' + h.to + '  ' + new Date(h.at).toLocaleTimeString())); });
  ui.summary.textContent = s.summary ? s.summary.text + ' (covers ' + s.summary.coversMessages + ' messages)' : 'No summary yet.';
  ui.summary.className = s.summary ? 'summary' : 'summary muted';
}

function useSession(s) {
  current = s.id;
  ui.session.value = s.id;
  sessionStorage.setItem(SESSION_STORE, s.id);
  history.replaceState(null, '', '#' + s.id);
  renderSession(s);
}
async function refreshSession() { if (current) renderSession(await api('GET', '/v1/sessions/' + current)); }

async function newSession() {
  var body = {};
  if (ui.system.value.trim()) body.systemPrompt = ui.system.value.trim();
  var s = await api('POST', '/v1/sessions', body);
  ui.log.replaceChildren();
  useSession(s);
  setStatus('New session ' + s.id);
}

async function resume(id) {
  var path = '/v1/sessions/' + encodeURIComponent(id);
  var s = await api('GET', path);
  var page = await api('GET', path + '/messages?limit=200');
  ui.log.replaceChildren();
  page.messages.forEach(function (m) { bubble(m.role, m.content); });
  useSession(s);
  setStatus('Resumed ' + s.id + ' (' + s.messageCount + ' messages)');
}

async function send(text) {
  busy = true;
  ui.send.disabled = true;
  try {
    if (!current) await newSession();
    bubble('user', text);
    var li = bubble('assistant', '');
    var body = li.querySelector('.text');
    li.classList.add('streaming');
    try {
      var turn = await api('POST', '/v1/sessions/' + current + '/turns', { content: text });
      var final = null;
      setStatus('Turn ' + turn.seq + ' queued');
      await followTurn(turn.turnId, function (ev) {
        if (ev.event === 'delta') { body.textContent += ev.data.text; scrollLog(); }
        else if (ev.event === 'status') setStatus('Turn ' + turn.seq + ': ' + ev.data.status + (ev.data.stage ? ' (' + ev.data.stage + ')' : ''));
        else if (ev.event === 'done') final = ev.data;
      });
      if (final.response !== null) body.textContent = final.response;
      badges(li, final);
      setStatus('Turn ' + final.seq + ' ' + final.status, final.status !== 'completed');
      await refreshSession();
    } finally {
      li.classList.remove('streaming');
    }
  } catch (e) {
    setStatus(e.message, true);
    if (e.status === 401) ui.key.focus();
  } finally {
    busy = false;
    ui.send.disabled = false;
  }
}

ui.key.value = sessionStorage.getItem(KEY_STORE) || '';
ui.key.addEventListener('input', function () { sessionStorage.setItem(KEY_STORE, ui.key.value); });
ui.connect.addEventListener('submit', function (e) {
  e.preventDefault();
  var id = ui.session.value.trim();
  (id ? resume(id) : newSession()).then(function () { ui.input.focus(); }, function (err) { setStatus(err.message, true); });
});
ui.newBtn.addEventListener('click', function () { newSession().then(function () { ui.input.focus(); }, function (err) { setStatus(err.message, true); }); });
ui.refresh.addEventListener('click', function () { refreshSession().catch(function (err) { setStatus(err.message, true); }); });
ui.composer.addEventListener('submit', function (e) {
  e.preventDefault();
  var text = ui.input.value;
  if (busy || !text.trim()) return;
  ui.input.value = '';
  send(text).then(function () { ui.input.focus(); });
});
ui.input.addEventListener('keydown', function (e) {
  if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
  e.preventDefault();
  ui.composer.requestSubmit();
});

var saved = location.hash.slice(1) || sessionStorage.getItem(SESSION_STORE);
if (saved) resume(saved).catch(function (err) { setStatus('Could not resume ' + saved + ': ' + err.message, true); });
else setStatus('Type a message to start: the first one creates a session.');
`;
