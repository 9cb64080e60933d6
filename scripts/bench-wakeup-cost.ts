/**
 * What one message costs this machine when the processes exchanging it sleep between messages: a
 * trivial node:http echo server (its own process) and a keep-alive client, CPU µs per request of each,
 * with the client in a closed loop (64 in flight: both stay busy and batch) and at fixed open-loop
 * rates (both wake up for nearly every request). No turnq code is involved: it explains why turnq's
 * CPU per turn at half its saturation throughput is about twice that at saturation, and so why the
 * machine is nearly busy at "50% of saturation" (docs/performance.md, "Why the two remaining targets miss").
 * Run: `npm run build && node dist/scripts/bench-wakeup-cost.js`.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const SECONDS = 5;
const RATES = [2000, 1000, 300];

/** CPU ms of a process so far (utime + stime, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

function serve(): void {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c; });
    req.on('end', () => res.end(body));
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as AddressInfo).port));
}

async function main(): Promise<void> {
  const child = fork(__filename, ['serve']);
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(Number(p))));
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const call = () => new Promise<void>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end('{"content":"안녕하세요! 처음 뵙겠습니다."}');
  });
  const closed = async () => {
    let n = 0;
    const until = performance.now() + SECONDS * 1000;
    await Promise.all(Array.from({ length: 64 }, async () => { while (performance.now() < until) { await call(); n++; } }));
    return n;
  };
  const open = (rate: number) => async () => {
    const calls: Array<Promise<void>> = [];
    const t0 = performance.now();
    for (let due = t0; due < t0 + SECONDS * 1000; due += 1000 / rate) {
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      calls.push(call());
    }
    await Promise.all(calls);
    return calls.length;
  };
  const row = async (label: string, run: () => Promise<number>) => {
    const before = [cpuMs(child.pid!), cpuMs(process.pid)];
    const n = await run();
    const [server, client] = [cpuMs(child.pid!) - before[0], cpuMs(process.pid) - before[1]];
    console.log(`| ${label} | ${Math.round(n / SECONDS)} | ${((server * 1000) / n).toFixed(0)} | ${((client * 1000) / n).toFixed(0)} |`);
  };
  try {
    await closed(); // warm-up
    console.log(`node ${process.version}, ${SECONDS} s per row\n| load | requests/s | server CPU µs per request | client CPU µs per request |\n|---|---|---|---|`);
    await row('closed loop, 64 in flight', closed);
    for (const rate of RATES) await row(`open loop, ${rate}/s`, open(rate));
  } finally {
    agent.destroy();
    child.kill();
  }
}

if (process.argv[2] === 'serve') serve();
else main().catch((err) => { console.error(err); process.exit(1); });
