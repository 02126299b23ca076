// A tiny versioned HTTP service for rollout tests: answers with its version,
// fails an exact fraction of requests (FAIL_RATE, changeable at runtime with
// POST /admin/fail?rate=R so a test can break a release mid-rollout).
// READY_DELAY_MS delays listening, for a release slow to become healthy.
import http from 'node:http';

const version = process.env.AGENTUP_VERSION ?? 'none';
let failRate = Number(process.env.FAIL_RATE ?? '0');
let served = 0;

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/healthz') return res.end('ok');
  if (url.pathname === '/admin/fail') {
    failRate = Number(url.searchParams.get('rate') ?? '0');
    return res.end(`fail rate ${failRate}`);
  }
  served += 1;
  // Exactly failRate of the requests fail, the first one included (1st, 11th, 21st... at 0.1),
  // so even a short first step sees the bug.
  const fail = Math.ceil(served * failRate) > Math.ceil((served - 1) * failRate);
  const answer = () => {
    res.statusCode = fail ? 500 : 200;
    res.end(fail ? `error from ${version}` : `hello from ${version}`);
  };
  const ms = Number(url.searchParams.get('ms') ?? '0');
  if (ms > 0) setTimeout(answer, ms);
  else answer();
});
server.keepAliveTimeout = 5000;
// READY_DELAY_MS: a release that takes that long to start listening (a slow boot).
setTimeout(() => server.listen(Number(process.env.PORT), '127.0.0.1'), Number(process.env.READY_DELAY_MS ?? '0'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
