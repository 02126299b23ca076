'use strict';
// Removes every container, network and image labelled agentup.run=<runId>
// through the Docker Engine API, and, run as a program, is the watchdog that
// does so when agentup dies (like testcontainers' Ryuk, with no image to
// pull). Parent death is noticed as in
// ../process/reaper-watchdog.cjs: agentup holds our stdin open; it closing
// without a `close` line means agentup is gone, even by SIGKILL. Plain
// CommonJS without dependencies, so it starts fast; container-reaper.ts
// requires the same removeRunResources for the normal stop.
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const path = require('node:path');

/** DOCKER_HOST (unix:// or tcp://, TLS per DOCKER_TLS_VERIFY / DOCKER_CERT_PATH) or the default socket. */
function endpoint(env) {
  const host = env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  if (host.startsWith('unix://')) return { transport: http, base: { socketPath: host.slice('unix://'.length) } };
  const url = new URL(host.replace(/^tcp:/, env.DOCKER_TLS_VERIFY ? 'https:' : 'http:'));
  if (url.protocol !== 'https:') return { transport: http, base: { host: url.hostname, port: Number(url.port || 2375) } };
  const certs = env.DOCKER_CERT_PATH || path.join(env.HOME || '', '.docker');
  const read = (name) => fs.readFileSync(path.join(certs, name));
  return { transport: https, base: { host: url.hostname, port: Number(url.port || 2376), ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') } };
}

function call(docker, method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) };
    const req = docker.transport.request({ ...docker.base, method, path: urlPath, headers, timeout: 15000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`Docker API ${method} ${urlPath}: no answer after 15000ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function list(docker, urlPath) {
  const res = await call(docker, 'GET', urlPath);
  if (res.status !== 200) throw new Error(`Docker API GET ${urlPath}: ${res.status} ${res.text.trim()}`);
  return JSON.parse(res.text);
}

/** DELETE that counts as done when the thing is gone, whoever removed it. */
async function remove(docker, urlPath, extraOk = []) {
  const res = await call(docker, 'DELETE', urlPath);
  if (res.status < 300) return true;
  if (res.status === 404 || extraOk.includes(res.status)) return false;
  throw new Error(`Docker API DELETE ${urlPath}: ${res.status} ${res.text.trim()}`);
}

async function removeNetwork(docker, id) {
  try {
    return await remove(docker, `/networks/${id}`);
  } catch (err) {
    // Still attached: a container without our label joined it.
    const info = await list(docker, `/networks/${id}`);
    for (const container of Object.keys(info.Containers || {})) {
      await call(docker, 'POST', `/networks/${id}/disconnect`, { Container: container, Force: true });
    }
    return remove(docker, `/networks/${id}`);
  }
}

async function removeImage(docker, image) {
  const tags = (image.RepoTags || []).filter((t) => t !== '<none>:<none>');
  // noprune: the untagged parent layers are the build cache; the next run's
  // build of the same context reuses them instead of running its steps again.
  if (tags.length === 0) return remove(docker, `/images/${image.Id}?force=1&noprune=1`, [409]);
  // By tag rather than id: the last tag removed takes the image with it.
  const results = [];
  for (const tag of tags) results.push(await remove(docker, `/images/${encodeURIComponent(tag)}?force=1&noprune=1`, [409]));
  return results.some(Boolean);
}

/** One sweep of one `key=value` label: containers first (they hold networks and images), then networks, then images. */
async function removeLabelled(label, env = process.env) {
  const docker = endpoint(env);
  const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
  const count = (results) => results.filter(Boolean).length;
  const containers = await list(docker, `/containers/json?all=1&filters=${filters}`);
  // 409: removal already in progress (the runtime's own stop racing us).
  const removedContainers = count(await Promise.all(containers.map((c) => remove(docker, `/containers/${c.Id}?force=1&v=1`, [409]))));
  const networks = await list(docker, `/networks?filters=${filters}`);
  const removedNetworks = count(await Promise.all(networks.map((n) => removeNetwork(docker, n.Id))));
  const images = await list(docker, `/images/json?filters=${filters}`);
  const removedImages = count(await Promise.all(images.map((i) => removeImage(docker, i))));
  return { containers: removedContainers, networks: removedNetworks, images: removedImages };
}

function removeRunResources(runId, env = process.env) {
  return removeLabelled(`agentup.run=${runId}`, env);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * After agentup died: sweep until a sweep finds nothing, at most 5 times, 1s
 * apart, because a create request agentup sent just before dying can still
 * finish inside dockerd after our first look.
 */
async function reap(labels) {
  for (let sweep = 0; sweep < 5; sweep++) {
    let found = 0;
    for (const label of labels) {
      try {
        const removed = await removeLabelled(label);
        found += removed.containers + removed.networks + removed.images;
      } catch {
        // Docker busy or restarting: the next sweep tries again; nobody is left to tell.
        found += 1;
      }
    }
    if (sweep > 0 && found === 0) break;
    await sleep(1000);
  }
  process.exit(0);
}

function watch(runId) {
  const labels = [`agentup.run=${runId}`];
  let closing = false;
  let reaping = false;
  let pending = '';
  const onGone = () => {
    if (closing || reaping) return;
    reaping = true;
    void reap(labels);
  };
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    pending += chunk;
    let nl = pending.indexOf('\n');
    while (nl !== -1) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line === 'close') {
        closing = true;
        process.exit(0);
      }
      nl = pending.indexOf('\n');
    }
  });
  process.stdin.on('end', onGone);
  process.stdin.on('error', onGone);
  // We live in our own session, but a stray terminal signal must not stop the watch.
  process.on('SIGINT', () => {});
  process.on('SIGHUP', () => {});
}

module.exports = { removeRunResources, removeLabelled };

if (require.main === module) {
  if (!process.argv[2]) {
    process.stderr.write('usage: container-reaper-watchdog.cjs <runId>\n');
    process.exit(2);
  }
  watch(process.argv[2]);
}
