// facilitator's service worker: a page reloaded while the laptop is out of reach shows the
// page as last seen (with "Reconnecting…" and what the phone still holds to send), not the
// browser's error page. Static files are kept once fetched (their addresses carry their
// content's hash, so they never change); pages are asked of the server first and kept as
// they come back, except answers marked no-store (a home reflection). Nothing else is
// touched: commands and the websocket go to the server as ever.
"use strict";
var CACHE = "facilitator-1";
var OFFLINE = "/offline";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.add(OFFLINE); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepable(response) {
  return response.ok && !response.redirected && response.type === "basic"
    && !/no-store/.test(response.headers.get("cache-control") || "");
}

function fromCacheFirst(request) {
  return caches.match(request).then(function (kept) {
    return kept || fetch(request).then(function (response) {
      if (keepable(response)) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

function fromServerFirst(request) {
  return fetch(request).then(function (response) {
    if (keepable(response)) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreSearch: true }).then(function (kept) {
      return kept || caches.match(OFFLINE);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0 && url.search) {
    event.respondWith(fromCacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(fromServerFirst(request));
  }
});
