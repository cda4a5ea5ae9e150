// What the Node client (client.mjs) and the browser page (index.html) do over a server's websocket
// listener, with the nats.ws package. run returns a plain object of what the client observed, with nothing
// server-specific in it, so that reactor's and nats-server's results compare equal as they are
// (websocket_clients_test.go). A step that fails, or has no outcome within stepTimeout, throws an error
// naming the step.
//
// Options:
//   interop: a nats.go client on the server's TCP port takes part: it answers requests on interop.go and,
//     for each, first publishes one message to interop.node (serveInterop in the Go test).
//   settle: milliseconds to wait before the large payloads, past the server's first PING (2 s after
//     connecting, reactor's up to a second later) and the client's PONG, so that nothing the client sends
//     follows them until they are delivered.

const largeSize = 200 * 1024; // several browser frames (4 KiB each), compressed when negotiated
const stepTimeout = 10000;

export async function run(nats, url, { interop = false, settle = 0 } = {}) {
  const { connect, StringCodec, headers, Empty } = nats;
  const sc = StringCodec();
  const nc = await step("connect", () =>
    connect({ servers: url, name: "reactor wsclient", timeout: stepTimeout, maxReconnectAttempts: 0 }),
  );
  const result = {
    info: { proto: nc.info.proto, headers: nc.info.headers, max_payload: nc.info.max_payload },
    // The extensions the WebSocket negotiated (nats.ws keeps its socket in protocol.transport).
    compression: /permessage-deflate/.test(nc.protocol?.transport?.socket?.extensions ?? ""),
  };

  result.pubsub = await step("publish and subscribe through a wildcard", async () => {
    const echoed = collect(nc.subscribe("ws.echo.*", { max: 2 }), (m) =>
      `${m.subject}:${sc.decode(m.data)}`,
    );
    nc.publish("ws.echo.a", sc.encode("one"));
    nc.publish("ws.echo.b", sc.encode("two"));
    return echoed;
  });

  result.headers = await step("headers, one with two values", async () => {
    const seen = collect(nc.subscribe("ws.headers", { max: 1 }), (m) => ({
      data: sc.decode(m.data),
      single: m.headers?.get("X-Single") ?? null,
      multi: m.headers?.values("X-Multi") ?? null,
    }));
    const h = headers();
    h.set("X-Single", "one value");
    h.append("X-Multi", "first");
    h.append("X-Multi", "second");
    nc.publish("ws.headers", sc.encode("with headers"), { headers: h });
    return (await seen)[0];
  });

  result.request = await step("request and reply, the reply with a header", async () => {
    const service = nc.subscribe("ws.service", {
      callback: (err, m) => {
        if (err) return;
        const rh = headers();
        rh.set("X-Answered-By", "the service");
        m.respond(sc.encode(`answer to ${sc.decode(m.data)}`), { headers: rh });
      },
    });
    const answer = await nc.request("ws.service", sc.encode("the question"), { timeout: stepTimeout });
    service.unsubscribe();
    return { data: sc.decode(answer.data), answeredBy: answer.headers?.get("X-Answered-By") ?? null };
  });

  result.noResponders = await step("no responders", async () => {
    try {
      await nc.request("ws.nobody.home", Empty, { timeout: stepTimeout });
      return "answered";
    } catch (e) {
      return e.code; // 503: the server's no-responders status, not the timeout
    }
  });

  result.queued = await step("queue group", async () => {
    let queued = 0;
    const workers = [0, 1].map(() => nc.subscribe("ws.work", { queue: "workers", callback: () => queued++ }));
    for (let i = 0; i < 20; i++) {
      nc.publish("ws.work", sc.encode(`job ${i}`));
    }
    await nc.flush();
    const deadline = Date.now() + stepTimeout;
    while (queued < 20 && Date.now() < deadline) {
      await sleep(10);
    }
    await nc.flush();
    workers.forEach((w) => w.unsubscribe());
    return queued;
  });

  if (settle > 0) {
    await sleep(settle);
  }
  const patterned = new Uint8Array(largeSize).map((_, i) => i % 251);
  const noisy = noise(largeSize);
  result.largeSent = [summary(patterned), summary(noisy)];
  result.large = await step("large payloads, compressible and not", async () => {
    const sizes = collect(nc.subscribe("ws.large", { max: 2 }), (m) => summary(m.data));
    nc.publish("ws.large", patterned);
    nc.publish("ws.large", noisy);
    return sizes;
  });

  if (interop) {
    result.interop = await step("interop with nats.go", async () => {
      const pushed = collect(nc.subscribe("interop.node", { max: 1 }), (m) => ({
        data: sc.decode(m.data),
        from: m.headers?.get("X-From") ?? null,
      }));
      const h = headers();
      h.set("X-From", "nats.ws");
      const reply = await nc.request("interop.go", sc.encode("hello from nats.ws"), { timeout: stepTimeout, headers: h });
      return { reply: sc.decode(reply.data), replyFrom: reply.headers?.get("X-From") ?? null, pushed: (await pushed)[0] };
    });
  }

  result.closedWith = await step("drain", async () => {
    await nc.drain();
    const err = await nc.closed();
    return err ? String(err) : "drained";
  });
  return result;
}

// step runs f, failing with the step's name if it fails or takes more than stepTimeout.
async function step(name, f) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no outcome within ${stepTimeout} ms`)), stepTimeout);
  });
  try {
    return await Promise.race([f(), expired]);
  } catch (e) {
    throw new Error(`${name}: ${e?.code ? e.code + " " : ""}${e?.message ?? e}`);
  } finally {
    clearTimeout(timer);
  }
}

// collect gathers what f makes of each message of a subscription with a max, until it ends.
async function collect(sub, f) {
  const out = [];
  for await (const m of sub) {
    out.push(f(m));
  }
  return out;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// summary is a payload's length and checksum, which reactor and nats-server must agree on.
function summary(bytes) {
  let sum = 0;
  for (const b of bytes) {
    sum = (sum * 31 + b) >>> 0;
  }
  return `${bytes.length}:${sum}`;
}

// noise is n incompressible bytes (xorshift32, fixed seed).
function noise(n) {
  const out = new Uint8Array(n);
  let x = 2463534242;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
