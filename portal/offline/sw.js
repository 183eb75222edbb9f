/* Offline reading for the site: pages from the network first; offline, the saved copy
   under a notice saying when it was saved. Served as /sw.js (scope /). */
"use strict";

const VERSION = "__VERSION__";
const PREFIX = "portal-" + VERSION + "-";
const STATIC = PREFIX + "static";
const META = PREFIX + "meta";
const LANG = /^\/([a-z]{2}(?:-[A-Za-z0-9]+)?)\//;
// Kept for reading: answered from the saved copy when the network is slow, not only gone.
const SAVED_KINDS = /^\/[^/]+\/(guides|hotlines|places|plans)(\/|$)/;
// Never kept: answers for one visitor or one query.
const NEVER = /^\/[^/]+\/(search|report)(\/|$|\?)|^\/healthz/;
const SLOW_SAVED = 4000;  // ms to wait for the network before showing a saved guide
const SLOW_OTHER = 15000;
const saving = new Map();  // lang -> the save under way

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("portal-") && !name.startsWith(PREFIX)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function pagesCache(lang, state) {
  return PREFIX + "pages-" + lang + "-" + state;
}

async function meta(lang) {
  const cache = await caches.open(META);
  const found = await cache.match("/offline-meta/" + lang);
  return found ? found.json() : null;
}

async function setMeta(lang, value) {
  const cache = await caches.open(META);
  await cache.put("/offline-meta/" + lang, new Response(JSON.stringify(value),
    {headers: {"Content-Type": "application/json"}}));
}

function stamped(response, body) {
  const headers = new Headers(response.headers);
  headers.set("X-Saved-At", new Date().toISOString());
  headers.delete("Content-Length");
  return new Response(body, {status: response.status, statusText: response.statusText, headers});
}

async function keep(cacheName, request, response) {
  const body = await response.arrayBuffer();
  const cache = await caches.open(cacheName);
  await cache.put(request, stamped(response, body));
}

/* Save every page of the language's list (skipping those this state already has),
   then drop the language's older caches. ``report`` gets progress. */
function saveAll(lang, report) {
  if (saving.has(lang)) {
    const under = saving.get(lang);
    if (report) under.listeners.push(report);
    return under.promise;
  }
  const listeners = report ? [report] : [];
  const tell = (message) => listeners.forEach((fn) => { try { fn(message); } catch (e) { /* gone */ } });
  const promise = (async () => {
    const answer = await fetch("/" + lang + "/offline.json", {cache: "no-store"});
    if (!answer.ok) throw new Error("offline list: " + answer.status);
    const list = await answer.json();
    const name = pagesCache(lang, list.state);
    const pages = await caches.open(name);
    const statics = await caches.open(STATIC);
    let done = 0, bytes = 0;
    const total = list.urls.length;
    tell({type: "progress", done, total, bytes, of: list.bytes, pages: list.pages});
    for (const entry of list.urls) {
      const isStatic = entry.url.startsWith("/static/");
      const cache = isStatic ? statics : pages;
      if (!(await cache.match(entry.url))) {
        const response = await fetch(entry.url, {cache: "no-cache"});
        if (response.ok) await cache.put(entry.url, stamped(response, await response.arrayBuffer()));
      }
      done += 1;
      bytes += entry.bytes;
      tell({type: "progress", done, total, bytes, of: list.bytes, pages: list.pages});
    }
    for (const other of await caches.keys()) {
      if (other.startsWith(PREFIX + "pages-" + lang + "-") && other !== name) await caches.delete(other);
    }
    const value = {state: list.state, savedAt: new Date().toISOString(), notice: list.notice,
                   missing: list.missing, home: list.home, homeLabel: list.home_label,
                   stylesheet: list.stylesheet, timeZone: list.time_zone, locale: list.locale,
                   pages: list.pages, bytes: list.bytes};
    await setMeta(lang, value);
    tell({type: "saved", pages: list.pages, bytes: list.bytes, state: list.state});
    return value;
  })();
  const under = {promise, listeners};
  saving.set(lang, under);
  promise.catch((error) => tell({type: "failed", message: String(error)}))
    .finally(() => saving.delete(lang));
  return promise;
}

/* A page came from the network: keep it; if the content changed since the last save,
   save the language again (its old cache goes once the new one is full). */
async function after(lang, request, response) {
  const state = response.headers.get("X-Content-State");
  const known = await meta(lang);
  try {
    await keep(pagesCache(lang, known ? known.state : (state || "unsaved")), request.url, response);
  } catch (error) {
    console.error("keeping", request.url, error);
  }
  if (state && (!known || known.state !== state)) {
    try { await saveAll(lang); } catch (error) { console.error("saving", lang, error); }
  }
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
    '"': "&quot;", "'": "&#39;"}[c]));
}

function formatTime(iso, info) {
  const date = new Date(iso);
  try {
    return new Intl.DateTimeFormat(info && info.locale || undefined, {
      timeZone: info && info.timeZone || undefined, year: "numeric", month: "long",
      day: "numeric", hour: "2-digit", minute: "2-digit"}).format(date);
  } catch (e) {
    return date.toISOString().replace("T", " ").slice(0, 16) + " UTC";
  }
}

const FALLBACK_NOTICE = "You are offline. This page was last updated at {time}; check the radio or call for help.";

function noticeHtml(info, savedAt) {
  const template = escapeHtml(info && info.notice || FALLBACK_NOTICE);
  const time = '<time datetime="' + escapeHtml(savedAt) + '">' + escapeHtml(formatTime(savedAt, info)) + "</time>";
  return '<div class="offline-notice" role="status"><p>' + template.replace("{time}", time) + "</p></div>";
}

/* The saved copy, with the notice at the top of the page, before any banner in it. */
async function withNotice(saved, lang) {
  const info = lang ? await meta(lang) : null;
  const savedAt = saved.headers.get("X-Saved-At") || new Date(saved.headers.get("Date") || Date.now()).toISOString();
  const html = await saved.text();
  const notice = noticeHtml(info, savedAt);
  const body = /<body[^>]*>/i.test(html) ? html.replace(/<body[^>]*>/i, (tag) => tag + notice) : notice + html;
  const headers = new Headers(saved.headers);
  headers.delete("Content-Length");
  headers.set("Cache-Control", "no-store");
  return new Response(body, {status: 200, headers});
}

async function notSaved(lang) {
  const info = lang ? await meta(lang) : null;
  const missing = escapeHtml(info && info.missing || "You are offline, and this page was not saved on this device.");
  const home = info ? '<p><a href="' + escapeHtml(info.home) + '">' + escapeHtml(info.homeLabel) + "</a></p>" : "";
  const style = info ? '<link rel="stylesheet" href="' + escapeHtml(info.stylesheet) + '">' : "";
  const body = '<!doctype html><html lang="' + escapeHtml(lang || "en") + '"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>' + missing + "</title>" + style +
    '</head><body><main id="main" class="wrap"><h1>' + missing + "</h1>" + home + "</main></body></html>";
  return new Response(body, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; style-src 'self'"}});
}

function timeout(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms));
}

async function page(event) {
  const request = event.request;
  const url = new URL(request.url);
  const match = LANG.exec(url.pathname);
  const lang = match ? match[1] : null;
  // Past the browser's HTTP cache: a page it still holds would hide that the network is gone.
  const network = fetch(request.url, {cache: "no-store", credentials: "same-origin",
                                      redirect: "manual"}).then((response) => {
    if (response.ok && lang && (response.headers.get("Content-Type") || "").startsWith("text/html")) {
      event.waitUntil(after(lang, request, response.clone()));
    }
    return response;
  });
  const slow = SAVED_KINDS.test(url.pathname) ? SLOW_SAVED : SLOW_OTHER;
  try {
    const first = await Promise.race([network, timeout(slow)]);
    if (first) return first;
    const saved = await caches.match(request, {ignoreVary: true});
    return saved ? withNotice(saved, lang) : await network;
  } catch (error) {
    const saved = await caches.match(request, {ignoreVary: true});
    return saved ? withNotice(saved, lang) : notSaved(lang);
  }
}

async function asset(request) {
  const saved = await caches.match(request);
  if (saved) return saved;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(STATIC);
    await cache.put(request, response.clone());
  }
  return response;
}

async function other(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const saved = await caches.match(request, {ignoreVary: true});
    if (saved) return saved;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER.test(url.pathname)) {
    // Never kept; offline, a page saying so rather than the browser's error.
    if (request.mode === "navigate") {
      const match = LANG.exec(url.pathname);
      event.respondWith(fetch(request).catch(() => notSaved(match ? match[1] : null)));
    }
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(asset(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (/\/(manifest\.webmanifest|offline\.json)$/.test(url.pathname)) {
    event.respondWith(other(request));
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const port = event.ports && event.ports[0];
  const report = port ? (message) => port.postMessage(message) : null;
  if (data.type === "save" && typeof data.lang === "string" && /^[a-z]{2}(-[A-Za-z0-9]+)?$/.test(data.lang)) {
    event.waitUntil(saveAll(data.lang, report).catch(() => {}));
  } else if (data.type === "visit" && typeof data.lang === "string" && /^[a-z]{2}(-[A-Za-z0-9]+)?$/.test(data.lang)) {
    // The first visit: nothing saved yet in this language, so save it in the background.
    event.waitUntil(meta(data.lang).then((known) => known ? known : saveAll(data.lang)).catch(() => {}));
  } else if (data.type === "status" && typeof data.lang === "string" && report) {
    event.waitUntil(meta(data.lang).then((known) => report({type: "status", saved: known})));
  }
});
