/* Live notifications: one websocket per page, catch-up by last seen id, reconnect with backoff.
 *
 * Protocol (see notifications/events.py): on open the client sends
 * {"type": "hello", "last_id": N}; the server answers with every notification
 * after N, in order, then a "counts" event; afterwards it pushes new
 * "notification" and "counts" events. A "counts" event carries the newest
 * notification id, so a push lost while connected is fetched by a new hello.
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
  var lastId = Math.max(Number(bell.dataset.lastId || 0), readStored());
  var seen = {}; /* ids shown on this page: two commits may arrive out of id order */
  var attempt = 0;
  var socket = null;
  var retryTimer = null;
  var stopped = false;

  function readStored() {
    try {
      return Number(window.localStorage.getItem(STORAGE_KEY) || 0);
    } catch (e) {
      return 0;
    }
  }

  function remember(id) {
    if (seen[id]) {
      return false;
    }
    seen[id] = true;
    if (id <= lastId) {
      return true;
    }
    lastId = id;
    try {
      window.localStorage.setItem(STORAGE_KEY, String(id));
    } catch (e) {
      /* private mode: memory only */
    }
    return true;
  }

  function setState(state) {
    bell.dataset.wsState = state;
  }

  function hello() {
    if (socket && socket.readyState === WebSocket.OPEN) {
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
    showUnread(event.unread);
    Object.keys(event.inbox).forEach(function (tab) {
      document.querySelectorAll('[data-inbox-count="' + tab + '"]').forEach(function (el) {
        el.textContent = String(event.inbox[tab]);
      });
    });
    document.dispatchEvent(new CustomEvent("vd:inbox-changed", { detail: event }));
    if (event.last_id > lastId) {
      hello(); /* a push was lost (full channel layer): catch up from the database */
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
    if (!remember(event.id)) {
      return; /* already seen (another tab, or a replay) */
    }
    toast(event);
    document.dispatchEvent(new CustomEvent("vd:notification", { detail: event }));
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
      lastId = Math.max(lastId, Number(e.newValue || 0));
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
