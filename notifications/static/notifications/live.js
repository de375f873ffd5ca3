/* Live notifications: one websocket per page, catch-up by last seen id, reconnect with backoff.
 *
 * Protocol (see notifications/events.py): on open the client sends
 * {"type": "hello", "last_id": N}; the server answers with every notification
 * after N, in order, then a "counts" event; afterwards it pushes new
 * "notification" and "counts" events.
 *
 * Nothing is lost: N is the last id seen *contiguously*. Each notice names the
 * recipient's notice before it ("previous"; ids are shared by everyone, so a
 * higher id alone says nothing); a notice whose predecessor has not been seen
 * shows a gap (its push failed while newer ones got through), and the client
 * says hello again with N, which fetches the gap from the database. A "counts"
 * event carries the newest id, so a client that missed the newest push asks too.
 * tests/notifications/live_client.py mirrors this logic for the tests.
 *
 * Page contract: elements with data-inbox-count="mine|queue|done" show the inbox
 * tab counts; "vd:inbox-changed" is dispatched on document with the counts, and
 * "vd:notification" with each new notification.
 */
(function () {
  "use strict";

  var bell = document.querySelector("[data-vd-notifications]");
  if (!bell || !("WebSocket" in window)) {
    return;
  }

  var STORAGE_KEY = "vd:last-notification-id:" + bell.dataset.userId;
  var lang = (bell.dataset.lang || document.documentElement.lang || "vi").slice(0, 2);
  /* Every notice up to lastId has been seen (or was in the page when it was rendered). */
  var lastId = Math.max(Number(bell.dataset.lastId || 0), readStored());
  var seen = {}; /* ids shown on this page */
  var ahead = {}; /* previous id -> notice id, for notices that came after a gap */
  var attempt = 0;
  var socket = null;
  var retryTimer = null;
  var stopped = false;
  var catchingUp = false; /* a hello is out: its replay ends with a "counts" event */
  var askedAt = -1; /* the lastId of the latest hello */

  function readStored() {
    try {
      return Number(window.localStorage.getItem(STORAGE_KEY) || 0);
    } catch (e) {
      return 0;
    }
  }

  function remember(event) {
    if (seen[event.id] || event.id <= lastId) {
      return false;
    }
    seen[event.id] = true;
    ahead[Math.max(event.previous, lastId)] = event.id; /* (an older one is seen already) */
    var before = lastId;
    while (ahead[lastId] !== undefined) {
      var next = ahead[lastId];
      delete ahead[lastId];
      lastId = next;
    }
    if (lastId !== before) {
      try {
        window.localStorage.setItem(STORAGE_KEY, String(lastId));
      } catch (e) {
        /* private mode: memory only */
      }
    }
    return true;
  }

  function hasGap() {
    return Object.keys(ahead).length > 0;
  }

  function setState(state) {
    bell.dataset.wsState = state;
  }

  function hello() {
    if (socket && socket.readyState === WebSocket.OPEN) {
      catchingUp = true;
      askedAt = lastId;
      socket.send(JSON.stringify({ type: "hello", last_id: lastId }));
    }
  }

  function showUnread(unread) {
    var badge = bell.querySelector("[data-unread-count]");
    if (!badge) {
      return;
    }
    badge.dataset.unreadCount = String(unread);
    badge.textContent = unread > 99 ? "99+" : String(unread);
    badge.hidden = unread === 0;
  }

  function showCounts(event) {
    catchingUp = false;
    showUnread(event.unread);
    Object.keys(event.inbox).forEach(function (tab) {
      document.querySelectorAll('[data-inbox-count="' + tab + '"]').forEach(function (el) {
        el.textContent = String(event.inbox[tab]);
      });
    });
    document.dispatchEvent(new CustomEvent("vd:inbox-changed", { detail: event }));
    if (event.last_id > lastId && askedAt !== lastId) {
      hello(); /* a push was lost: catch up from the database (once per lastId) */
    }
  }

  function textOf(event) {
    return lang === "en" ? event.text_en || event.text_vi : event.text_vi || event.text_en;
  }

  function toast(event) {
    var box = document.querySelector("[data-vd-toasts]");
    if (!box) {
      return;
    }
    var item = document.createElement("div");
    item.className = "vd-toast";
    item.dataset.notificationId = String(event.id);
    if (event.url) {
      var link = document.createElement("a");
      link.href = event.url;
      link.textContent = textOf(event);
      item.appendChild(link);
    } else {
      item.textContent = textOf(event);
    }
    box.appendChild(item);
    window.setTimeout(function () {
      item.remove();
    }, 8000);
  }

  function onNotification(event) {
    if (!remember(event)) {
      return; /* already seen (another tab, or a replay) */
    }
    toast(event);
    document.dispatchEvent(new CustomEvent("vd:notification", { detail: event }));
    if (hasGap() && !catchingUp) {
      hello(); /* its predecessor never came: fetch everything after lastId */
    }
  }

  function onMessage(message) {
    var event;
    try {
      event = JSON.parse(message.data);
    } catch (e) {
      return;
    }
    if (event.type === "notification") {
      onNotification(event);
    } else if (event.type === "counts") {
      showCounts(event);
    }
  }

  function scheduleReconnect() {
    if (stopped || retryTimer) {
      return;
    }
    /* 0.5 s, 1 s, 2 s ... capped at 30 s, with jitter so that workers are not stampeded */
    var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.75 + Math.random() * 0.5);
    attempt += 1;
    setState("waiting");
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      connect();
    }, delay);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    setState("connecting");
    try {
      socket = new WebSocket(scheme + window.location.host + bell.dataset.wsPath);
    } catch (e) {
      scheduleReconnect();
      return;
    }
    socket.onopen = function () {
      attempt = 0;
      setState("open");
      hello();
    };
    socket.onmessage = onMessage;
    socket.onclose = function (closeEvent) {
      setState("closed");
      if (closeEvent.code === 4401 || closeEvent.code === 4403) {
        stopped = true; /* signed out or refused: reconnecting will not help */
        return;
      }
      scheduleReconnect();
    };
  }

  window.addEventListener("storage", function (e) {
    if (e.key === STORAGE_KEY) {
      /* another tab has seen everything up to its lastId */
      lastId = Math.max(lastId, Number(e.newValue || 0));
      Object.keys(ahead).forEach(function (previous) {
        if (ahead[previous] <= lastId) {
          delete ahead[previous];
        }
      });
    }
  });
  window.addEventListener("online", function () {
    if (!socket || socket.readyState === WebSocket.CLOSED) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
      attempt = 0;
      connect();
    }
  });

  window.VinhDanhLive = {
    lastId: function () {
      return lastId;
    },
  };
  connect();
})();
