// The local console's page script: plain browser JavaScript, no build step.
(() => {
  const stage = document.querySelector('meta[name="ws-stage"]').content;
  const KINDS = ['connect', 'refused', 'disconnect', 'frame', 'post', 'gone', 'put-events', 'push', 'dead-letter', 'function-error', 'iam-denied'];
  const $ = (id) => document.getElementById(id);
  const events = [];
  let snapshot = { now: Date.now(), connections: [], channels: [], deadLetters: [] };
  let clockSkew = 0;
  let lastPublish;

  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  };
  const ago = (ms) => (ms < 1000 ? `${ms} ms` : ms < 60000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 60000).toFixed(1)} min`);
  const post = async (path, body, method = 'POST') => {
    const res = await fetch(path, { method, headers: { 'content-type': 'application/json' }, body });
    const text = await res.text();
    if (!res.ok) throw new Error(text || `${res.status}`);
    return text ? JSON.parse(text) : undefined;
  };
  const management = (id) => `/${stage}/@connections/${encodeURIComponent(id)}`;

  function renderConnections() {
    const now = Date.now() - clockSkew;
    const rows = snapshot.connections.map((c) => {
      const input = el('input', { className: 'send', placeholder: '{"type":"note"}' });
      const send = el('button', { type: 'button', className: 'send-button', onclick: () => post(management(c.connectionId), input.value || '{}').then(() => (input.value = ''), alert) }, 'Send');
      const drop = el('button', { type: 'button', className: 'disconnect', onclick: () => fetch(management(c.connectionId), { method: 'DELETE' }) }, 'Disconnect');
      const row = el('tr', {}, el('td', {}, el('code', {}, c.connectionId)), el('td', {}, c.userId ?? c.principalId ?? '—'), el('td', {}, c.origin ?? '—'),
        el('td', { className: 'age' }, ago(now - c.connectedAt)), el('td', { className: 'idle' }, ago(now - c.lastActiveAt)), el('td', { className: 'subscriptions' }, c.subscriptions.join(', ') || '—'),
        el('td', {}, drop, ' ', input, send));
      row.dataset.id = c.connectionId;
      return row;
    });
    $('connections').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { className: 'empty', colSpan: 7 }, 'no connection'))]));
  }

  /** Ages and idle times move on between snapshots; only those cells change (a half-typed frame stays). */
  function tick() {
    const now = Date.now() - clockSkew;
    for (const c of snapshot.connections) {
      const row = [...$('connections').rows].find((r) => r.dataset.id === c.connectionId);
      if (!row) continue;
      row.querySelector('.age').textContent = ago(now - c.connectedAt);
      row.querySelector('.idle').textContent = ago(now - c.lastActiveAt);
    }
  }

  const memberText = (m) => `${m.userId}${m.info ? ` ${m.info}` : ''}${m.connections > 1 ? ` ×${m.connections}` : ''}`;
  const replayText = (r, now) => (r ? `seq ${r.oldestSeq}–${r.newestSeq} (${r.messages})${r.oldestAt ? `, oldest ${ago(now - r.oldestAt)} ago` : ''}` : '—');

  function renderChannels() {
    const now = Date.now() - clockSkew;
    const rows = snapshot.channels.map((ch) => {
      const row = el('tr', {}, el('td', {}, ch.channel), el('td', { className: 'subscribers' }, `${ch.subscribers.length}${ch.subscribers.length ? `: ${ch.subscribers.join(', ')}` : ''}`),
        el('td', { className: 'members' }, ch.members ? `${ch.members.length}${ch.members.length ? `: ${ch.members.map(memberText).join(', ')}` : ''}` : '—'),
        el('td', { className: 'seq' }, ch.lastSeq ?? '—'), el('td', { className: 'replay' }, replayText(ch.replay, now)));
      row.dataset.channel = ch.channel;
      return row;
    });
    $('channels').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { className: 'empty', colSpan: 5 }, 'no channel'))]));
  }

  function renderDeadLetters() {
    const items = snapshot.deadLetters.map((m) => {
      let body = m.body;
      try { body = JSON.stringify(JSON.parse(m.body), null, 2); } catch { /* not JSON: as is */ }
      const redrive = el('button', { type: 'button', className: 'redrive', onclick: () => post('/_console/redrive', JSON.stringify({ queue: m.queue, messageId: m.messageId })).then(refresh, alert) }, 'Redrive');
      const reason = m.attributes.reason ?? m.attributes.ERROR_MESSAGE ?? '';
      const li = el('li', {}, el('b', {}, m.queue), ` ${new Date(m.sentAt).toLocaleTimeString()} `, el('span', { className: 'reason' }, reason), ' ', redrive, el('pre', {}, body));
      li.dataset.messageId = m.messageId;
      return li;
    });
    $('dead-letters').replaceChildren(...(items.length ? items : [el('li', { className: 'empty' }, 'no dead letter')]));
  }

  function shown(e) {
    if (!$(`kind-${e.kind}`).checked) return false;
    const q = $('filter-text').value.trim().toLowerCase();
    return !q || `${e.text} ${JSON.stringify(e.data ?? {})}`.toLowerCase().includes(q);
  }

  function renderStream() {
    const items = events.filter(shown).slice(-300).reverse().map((e) => {
      const li = el('li', { title: JSON.stringify(e.data ?? {}, null, 2) }, `${new Date(e.at).toLocaleTimeString()} `, el('span', { className: 'kind' }, e.kind), e.text);
      if (e.kind === 'function-error' && e.data?.lines?.length) li.append(el('pre', {}, e.data.lines.join('\n')));
      li.dataset.kind = e.kind;
      return li;
    });
    $('stream').replaceChildren(...items);
  }

  function renderPublish() {
    if (!lastPublish) return;
    const related = events.filter((e) => e.data?.eventId === lastPublish.eventId);
    const push = related.find((e) => e.kind === 'push');
    const rule = related.find((e) => e.kind === 'put-events');
    $('publish-result').replaceChildren(
      el('div', {}, 'event ', el('code', {}, lastPublish.eventId), rule ? ` → ${rule.data.matched.length ? `rule ${rule.data.matched.join(', ')}` : 'no rule matched'}` : ''),
      el('div', { className: 'push-report' }, push ? `push: delivered ${push.data.delivered ?? '—'}, gone ${push.data.gone ?? '—'}, failed ${push.data.failed ?? '—'}` : 'push: waiting…'),
    );
  }

  let refreshing;
  async function refresh() {
    if (refreshing) return refreshing;
    refreshing = fetch('/_console/state').then((r) => r.json()).then((s) => {
      snapshot = s;
      clockSkew = Date.now() - s.now;
      renderConnections(); renderChannels(); renderDeadLetters();
    }).catch(() => undefined).finally(() => (refreshing = undefined));
    return refreshing;
  }
  let pending;
  const refreshSoon = () => { clearTimeout(pending); pending = setTimeout(refresh, 150); };

  function connect() {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/_console/ws`);
    ws.onopen = () => { $('live').textContent = 'live'; $('live').dataset.state = 'open'; };
    ws.onclose = () => { $('live').textContent = 'disconnected: retrying'; $('live').dataset.state = 'closed'; setTimeout(connect, 1000); };
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.type === 'hello') events.splice(0, events.length, ...msg.events);
      else events.push(msg.event);
      if (events.length > 2000) events.splice(0, events.length - 2000);
      renderStream(); renderPublish(); refreshSoon();
    };
  }

  for (const kind of KINDS) {
    const box = el('input', { type: 'checkbox', id: `kind-${kind}`, checked: true, onchange: renderStream });
    $('filters').append(el('label', {}, box, kind));
  }
  $('filter-text').addEventListener('input', renderStream);
  $('audience-kind').addEventListener('change', () => { $('audience-value').disabled = $('audience-kind').value === 'broadcast'; });
  $('publish').addEventListener('submit', async (e) => {
    e.preventDefault();
    const kind = $('audience-kind').value;
    let data;
    try { data = JSON.parse($('publish-data').value); } catch { data = $('publish-data').value; }
    try {
      lastPublish = await post('/_console/publish', JSON.stringify({ [kind]: kind === 'broadcast' ? true : $('audience-value').value, data }));
      renderPublish();
    } catch (err) {
      $('publish-result').textContent = `publish failed: ${err.message}`;
    }
  });
  // Writes by the functions (a subscription, a seq) are not events of their own: the state is also read every second.
  setInterval(() => { tick(); void refresh(); }, 1000);
  connect();
  refresh();
})();
