/**
 * Browser code of the playground, part 2: the page. Text from the server only ever goes in through
 * textContent, never innerHTML, so a reply cannot inject markup. Enter sends and Shift+Enter adds a
 * line, except while an IME is composing (Korean input confirms syllables with Enter). Chips are
 * built from a Turn by one function, so a live turn and a resumed one look the same.
 */
export const pageScriptUi = String.raw`
var $ = function (id) { return document.getElementById(id); };
var ui = {
  key: $('key'), session: $('session'), connect: $('connect'), newBtn: $('new'), system: $('system'), log: $('log'),
  composer: $('composer'), input: $('input'), send: $('send'), status: $('status'), facts: $('facts'), empty: $('empty'),
  history: $('history'), summary: $('summary'), refresh: $('refresh'), setup: $('setup'), side: $('side'), brief: $('side-brief'),
};
var PHONE = window.matchMedia('(max-width: 760px)');
var current = null;
var busy = false;
/* The reader's locale decides the clock: 14:05:09 in Germany, 2:05:09 PM in the US, 오후 2:05:09 in Korea. */
var timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function clock(iso) { return timeFormat.format(iso ? new Date(iso) : new Date()); }
function human(label) { var s = String(label).replace(/_/g, ' '); return s.charAt(0).toUpperCase() + s.slice(1); }
function pct(x) { return Math.round(x * 100) + '%'; }
function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }
function setStatus(text, isError) { ui.status.textContent = text; ui.status.className = isError ? 'status error' : 'status'; }
function scrollLog() { ui.log.scrollTop = ui.log.scrollHeight; ui.empty.hidden = ui.log.children.length > 0; }

function fieldError(name, text) {
  $(name + '-error').textContent = text || '';
  if (text) $(name).setAttribute('aria-invalid', 'true'); else $(name).removeAttribute('aria-invalid');
}
function clearErrors() { fieldError('session'); fieldError('key'); }
/* An error goes next to what caused it: a refused key under the key field, a bad id under the session field. */
function showError(err, cause) {
  if (err.status === 401 || err.status === 403) {
    document.documentElement.dataset.auth = 'on';
    ui.setup.open = true;
    fieldError('key', err.message);
    ui.key.focus();
  } else if (cause === 'session') {
    ui.setup.open = true;
    fieldError('session', err.status === 404 ? 'No such session here: it may have expired, or belong to another key.' : err.message);
    ui.session.focus();
  } else {
    setStatus(err.message, true);
  }
}

function bubble(role, text, at) {
  var li = el('li', 'msg ' + role);
  var who = el('div', 'who', role === 'user' ? 'You' : 'turnq');
  who.appendChild(el('time', 'at', clock(at)));
  li.appendChild(who);
  li.appendChild(el('div', 'text', text || ''));
  ui.log.appendChild(li);
  scrollLog();
  return li;
}

var METHOD = { keyword: 'the keyword tables', llm: 'the model', fallback: 'neither keywords nor the model (fallback)' };

function contextChip(c) {
  var memories = c.memories ? ' + ' + plural(c.memories, 'memory', 'memories') : '';
  if (c.messagesTotal === 0) return ['no history yet (first turn)' + memories, 'Nothing earlier in this session to send along; the prompt is the system prompt and this message.'];
  var trimmed = c.messagesKept < c.messagesTotal;
  var text = 'history kept ' + c.messagesKept + ' of ' + plural(c.messagesTotal, 'message', 'messages')
    + (c.summaryUsed ? ' + summary' : '') + (trimmed ? ' · ' + pct(c.compressionRatio) + ' of tokens' : ', nothing trimmed') + memories;
  var title = trimmed
    ? 'Trimmed to fit the context budget: ' + c.keptTokens + ' of ' + c.originalTokens + ' history tokens kept'
    : 'All earlier messages (' + c.originalTokens + ' tokens) fit the context budget';
  if (c.summaryUsed) title += '; older messages ride along as the rolling summary';
  if (c.memories) title += '; ' + plural(c.memories, 'memory', 'memories') + ' of this user placed in the prompt';
  return [text, title];
}

function chips(turn) {
  var row = el('div', 'badges');
  var add = function (cls, text, title) { var b = el('span', 'badge ' + cls, text); b.title = title; row.appendChild(b); return b; };
  if (turn.intent) {
    var i = turn.intent;
    add('intent', human(i.label), 'Intent: ' + i.label + ', found by ' + (METHOD[i.method] || i.method) + ', confidence ' + pct(i.confidence)).dataset.intent = i.label;
    add('method', i.method + ' ' + pct(i.confidence), 'How the intent was found (keyword, llm or fallback) and how sure it is');
  }
  if (turn.sentiment) {
    var s = turn.sentiment;
    add('sentiment', human(s.label) + (typeof s.intensity === 'number' ? ' ' + pct(s.intensity) : ''), 'Sentiment: ' + s.label + ', intensity ' + s.intensity + ', found by ' + s.method).dataset.sentiment = s.label;
  }
  if (turn.state) {
    add('state', turn.state.from === turn.state.to ? 'stays ' + human(turn.state.to) : human(turn.state.from) + ' → ' + human(turn.state.to),
      'Conversation state before → after this turn');
  }
  if (turn.usage) {
    var u = turn.usage;
    add('tokens', 'prompt ' + u.promptTokens + ' + reply ' + u.completionTokens + ' tokens',
      'The model read ' + u.promptTokens + ' tokens (system prompt, kept history, this message) and wrote ' + u.completionTokens);
  }
  if (turn.context) { var c = contextChip(turn.context); add('context', c[0], c[1]); }
  if (turn.timings) {
    var t = turn.timings;
    add('time', (t.totalMs / 1000).toFixed(2) + ' s', 'Accepted to done: queued ' + t.queuedMs + ' ms, intent ' + t.intentMs + ' ms, reply ' + t.responseMs + ' ms');
  }
  if (turn.status === 'failed' || turn.status === 'cancelled') add('error', turn.status + (turn.error ? ': ' + turn.error.message : ''), turn.error ? turn.error.code : turn.status);
  return row;
}

function renderSession(s) {
  ui.facts.replaceChildren();
  [['State', human(s.state)], ['Messages', s.messageCount], ['Tokens', s.totalTokens], ['Pending turns', s.pendingTurns], ['Started', clock(s.createdAt)]].forEach(function (p) {
    ui.facts.appendChild(el('dt', '', p[0]));
    ui.facts.appendChild(el('dd', '', String(p[1])));
  });
  ui.brief.textContent = human(s.state) + ' · ' + plural(s.messageCount, 'message', 'messages');
  ui.history.replaceChildren();
  if (!s.stateHistory.length) ui.history.appendChild(el('li', 'muted', 'No changes yet (a session starts in Greeting).'));
  s.stateHistory.forEach(function (h) {
    var li = el('li', '', human(h.from) + ' → ' + human(h.to) + ' ');
    li.appendChild(el('time', 'at', clock(h.at)));
    ui.history.appendChild(li);
  });
  ui.summary.textContent = s.summary ? s.summary.text + ' (covers ' + plural(s.summary.coversMessages, 'message', 'messages') + ')' : 'No summary yet.';
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
  clearErrors();
  var body = {};
  if (ui.system.value.trim()) body.systemPrompt = ui.system.value.trim();
  var s = await api('POST', '/v1/sessions', body);
  ui.log.replaceChildren();
  scrollLog();
  useSession(s);
  setStatus('New session ' + s.id);
}

/* Six requests at a time: a long history should not open a hundred connections at once. */
async function turnsOf(ids) {
  var out = {};
  var next = 0;
  async function lane() {
    while (next < ids.length) {
      var id = ids[next++];
      out[id] = await api('GET', '/v1/turns/' + encodeURIComponent(id)).catch(function () { return null; });
    }
  }
  await Promise.all([lane(), lane(), lane(), lane(), lane(), lane()]);
  return out;
}

async function resume(id) {
  clearErrors();
  var path = '/v1/sessions/' + encodeURIComponent(id);
  var s, page;
  try {
    s = await api('GET', path);
    page = await api('GET', path + '/messages?limit=200');
  } catch (e) { e.cause = 'session'; throw e; }
  var turns = await turnsOf(page.messages.filter(function (m) { return m.role === 'assistant'; }).map(function (m) { return m.turnId; }));
  ui.log.replaceChildren();
  page.messages.forEach(function (m) {
    var li = bubble(m.role, m.content, m.createdAt);
    if (m.role === 'assistant' && turns[m.turnId]) li.appendChild(chips(turns[m.turnId]));
  });
  scrollLog();
  useSession(s);
  setStatus('Resumed ' + s.id + ' (' + plural(s.messageCount, 'message', 'messages') + ')');
}

async function send(text) {
  var accepted = false;
  busy = true;
  ui.send.disabled = true;
  try {
    if (!current) await newSession();
    var mine = bubble('user', text);
    var li = bubble('assistant', '');
    var body = li.querySelector('.text');
    li.classList.add('streaming');
    try {
      var turn = await api('POST', '/v1/sessions/' + current + '/turns', { content: text }).catch(function (e) {
        mine.remove();
        li.remove();
        scrollLog();
        throw e;
      });
      accepted = true;
      var final = null;
      setStatus('Turn ' + turn.seq + ' queued');
      await followTurn(turn.turnId, function (ev) {
        if (ev.event === 'delta') { body.textContent += ev.data.text; scrollLog(); }
        else if (ev.event === 'status') setStatus('Turn ' + turn.seq + ': ' + ev.data.status + (ev.data.stage ? ' (' + ev.data.stage + ')' : ''));
        else if (ev.event === 'done') final = ev.data;
      });
      if (final.response !== null) body.textContent = final.response;
      li.querySelector('.at').textContent = clock(final.completedAt);
      li.appendChild(chips(final));
      scrollLog();
      setStatus('Turn ' + final.seq + ' ' + final.status, final.status !== 'completed');
      await refreshSession();
    } finally {
      li.classList.remove('streaming');
    }
  } catch (e) {
    // Not accepted: nothing was stored, so the message goes back into the box to send again.
    if (!accepted && !ui.input.value) ui.input.value = text;
    showError(e);
  } finally {
    busy = false;
    ui.send.disabled = false;
  }
}

function whenDone(p) { p.then(function () { ui.input.focus(); }, function (err) { showError(err, err.cause); }); }

if (PHONE.matches) { ui.setup.open = false; ui.side.open = false; }
/* On a wide screen both panels stay open; their summaries only fold them on a phone. */
[ui.setup, ui.side].forEach(function (d) {
  d.querySelector('summary').addEventListener('click', function (e) { if (!PHONE.matches) e.preventDefault(); });
});
ui.key.value = sessionStorage.getItem(KEY_STORE) || '';
ui.key.addEventListener('input', function () { sessionStorage.setItem(KEY_STORE, ui.key.value); fieldError('key'); });
ui.session.addEventListener('input', function () { fieldError('session'); });
ui.connect.addEventListener('submit', function (e) {
  e.preventDefault();
  var id = ui.session.value.trim();
  whenDone(id ? resume(id) : newSession());
});
ui.newBtn.addEventListener('click', function () { whenDone(newSession()); });
ui.refresh.addEventListener('click', function (e) {
  e.preventDefault(); // inside the panel's summary: refresh, do not fold
  refreshSession().catch(function (err) { showError(err); });
});
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
document.querySelectorAll('.example').forEach(function (b) {
  b.addEventListener('click', function () { ui.input.value = b.textContent; ui.composer.requestSubmit(); });
});

scrollLog();
var saved = location.hash.slice(1) || sessionStorage.getItem(SESSION_STORE);
if (saved) resume(saved).catch(function (err) { showError(err, err.cause); });
else setStatus('Type a message to start: the first one creates a session.');
`;
