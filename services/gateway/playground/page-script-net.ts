/**
 * Browser code of the playground, part 1: the gateway client. EventSource cannot send an
 * Authorization header, so a turn's SSE stream is read with fetch() and parsed here; after a drop it
 * reconnects with Last-Event-ID and the gateway replays exactly the missed events. Plain ES2020 in a
 * string (no bundler); it shares one scope with page-script-ui.ts.
 */
export const pageScriptNet = String.raw`
var KEY_STORE = 'turnq.key';
var SESSION_STORE = 'turnq.session';

function authHeaders(extra) {
  var h = Object.assign({}, extra || {});
  var key = document.getElementById('key').value.trim();
  if (key) h.Authorization = 'Bearer ' + key;
  return h;
}

async function api(method, path, body) {
  var init = { method: method, headers: authHeaders(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  var res = await fetch(path, init);
  var text = await res.text();
  var json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!res.ok) {
    var err = new Error(json && json.detail ? json.detail : 'HTTP ' + res.status);
    err.status = res.status;
    throw err;
  }
  return json;
}

function parseBlock(block) {
  var ev = { id: 0, event: 'message', data: null };
  var data = [];
  block.split(/\r?\n/).forEach(function (line) {
    if (!line || line[0] === ':') return;
    var i = line.indexOf(':');
    var field = i < 0 ? line : line.slice(0, i);
    var value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') ev.event = value;
    else if (field === 'id') ev.id = Number(value);
  });
  if (!data.length) return null;
  ev.data = JSON.parse(data.join('\n'));
  return ev;
}

async function followTurn(turnId, onEvent) {
  var last = 0;
  for (var attempt = 0; attempt < 6; attempt++) {
    try {
      var res = await fetch('/v1/turns/' + encodeURIComponent(turnId) + '/events',
        { headers: authHeaders(last ? { 'Last-Event-ID': String(last) } : {}) });
      if (!res.ok) {
        var err = new Error('events: HTTP ' + res.status);
        err.fatal = res.status < 500;
        throw err;
      }
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buf = '';
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        buf += decoder.decode(chunk.value, { stream: true });
        var blocks = buf.split(/\r?\n\r?\n/);
        buf = blocks.pop();
        for (var i = 0; i < blocks.length; i++) {
          var ev = parseBlock(blocks[i]);
          if (!ev) continue;
          if (ev.id) last = ev.id;
          onEvent(ev);
          if (ev.event === 'done') return;
        }
      }
    } catch (e) {
      if (e.fatal) throw e;
    }
    await new Promise(function (r) { setTimeout(r, 300 * (attempt + 1)); });
  }
  throw new Error('lost the event stream of ' + turnId);
}
`;
