/**
 * The playground page: plain HTML whose script and style are separate same-origin files, so the page
 * runs under a strict Content-Security-Policy (no inline code, nothing from another origin — the
 * gateway may run offline). `auth` is whether the gateway wants API keys: when it does not, the key
 * field stays out of the way.
 */
export function pageHtml(o: { auth: boolean }): string {
  return `<!doctype html>
<html lang="en" data-auth="${o.auth ? 'on' : 'off'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>turnq playground</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/playground/app.css">
</head>
<body>
<header class="bar">
  <h1>turnq <span>playground</span></h1>
  <button id="new" type="button" class="primary">New session</button>
  <a class="api-docs" href="/docs">API reference</a>
  <details id="setup" class="setup" open>
    <summary>Settings</summary>
    <form id="connect" class="connect" autocomplete="off">
      <div class="field">
        <label for="session">Session</label>
        <div class="row"><input id="session" placeholder="ses_… to resume" spellcheck="false" aria-describedby="session-error"><button id="resume" type="submit" class="secondary">Resume</button></div>
        <p id="session-error" class="field-error" role="alert"></p>
      </div>
      <div class="field key">
        <label for="key">API key</label>
        <input id="key" type="password" placeholder="Bearer key" autocomplete="off" spellcheck="false" aria-describedby="key-error">
        <p id="key-error" class="field-error" role="alert"></p>
      </div>
      <p class="auth-off">Auth is off on this gateway: no API key needed.</p>
    </form>
    <details class="system">
      <summary>System prompt for new sessions</summary>
      <label for="system" class="sr-only">System prompt</label>
      <textarea id="system" rows="3" placeholder="You are a helpful assistant."></textarea>
    </details>
  </details>
</header>
<main class="layout">
  <section class="chat" aria-label="Conversation">
    <ol id="log" class="log" aria-live="polite"></ol>
    <div id="empty" class="empty">
      <p>Type a message below: the first one starts a session. Or try one of these:</p>
      <button type="button" class="example" lang="ko">안녕하세요! turnq는 대화 순서를 어떻게 지키나요?</button>
      <button type="button" class="example">Explain how a turn flows through the queues.</button>
    </div>
    <form id="composer" class="composer">
      <label for="input" class="sr-only">Message</label>
      <textarea id="input" rows="2" placeholder="Message — Enter sends, Shift+Enter adds a line"></textarea>
      <button id="send" type="submit" class="primary">Send</button>
    </form>
    <p id="status" class="status" role="status"></p>
  </section>
  <details id="side" class="side" open aria-label="Session details">
    <summary class="side-head"><span class="title">Session</span><span id="side-brief" class="brief"></span><button id="refresh" type="button" class="small secondary">Refresh</button></summary>
    <dl id="facts" class="facts"></dl>
    <h3>State history</h3>
    <ol id="history" class="history"></ol>
    <h3>Summary</h3>
    <p id="summary" class="summary muted">No summary yet.</p>
    <h3>Chips under a reply</h3>
    <ul class="legend">
      <li><span class="badge intent">Intent</span> what the message wants, and how it was found (keyword, LLM or fallback)</li>
      <li><span class="badge">Greeting → …</span> the conversation state before and after the turn</li>
      <li><span class="badge">prompt + reply tokens</span> what the model read (history included) and wrote</li>
      <li><span class="badge">history kept</span> earlier messages that fit the context budget</li>
      <li><span class="badge">seconds</span> time from accepted to done</li>
    </ul>
  </details>
</main>
<script src="/playground/app.js"></script>
</body>
</html>
`;
}
