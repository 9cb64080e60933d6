/**
 * The playground page: plain HTML whose script and style are separate same-origin files, so the page
 * runs under a strict Content-Security-Policy (no inline code, nothing from another origin — the
 * gateway may run offline).
 */
export const pageHtml = `<!doctype html>
<html lang="en">
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
  <a class="api-docs" href="/docs">API reference</a>
  <form id="connect" class="connect" autocomplete="off">
    <label>API key <input id="key" type="password" placeholder="none if auth is off" autocomplete="off" spellcheck="false"></label>
    <label>Session <input id="session" placeholder="ses_… to resume" spellcheck="false"></label>
    <button id="resume" type="submit">Resume</button>
    <button id="new" type="button">New session</button>
  </form>
  <details class="system">
    <summary>System prompt for new sessions</summary>
    <label for="system" class="sr-only">System prompt</label>
    <textarea id="system" rows="3" placeholder="You are a helpful assistant."></textarea>
  </details>
</header>
<main class="layout">
  <section class="chat" aria-label="Conversation">
    <ol id="log" class="log" aria-live="polite"></ol>
    <form id="composer" class="composer">
      <label for="input" class="sr-only">Message</label>
      <textarea id="input" rows="2" placeholder="Message — Enter sends, Shift+Enter adds a line"></textarea>
      <button id="send" type="submit">Send</button>
    </form>
    <p id="status" class="status" role="status"></p>
  </section>
  <aside class="side" aria-label="Session details">
    <div class="side-head"><h2>Session</h2><button id="refresh" type="button" class="small">Refresh</button></div>
    <dl id="facts" class="facts"></dl>
    <h3>State history</h3>
    <ol id="history" class="history"></ol>
    <h3>Summary</h3>
    <p id="summary" class="summary muted">No summary yet.</p>
  </aside>
</main>
<script src="/playground/app.js"></script>
</body>
</html>
`;
