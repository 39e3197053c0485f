// An independent ActivityPub peer for the federation tests, built on Fedify.
//
// Fedify (not our code) serves this peer's actors, signs its requests, verifies the HTTP
// signatures on what our server delivers (draft-cavage and RFC 9421), checks that the
// signing key belongs to the activity's actor, and parses every activity and object with
// its own vocabulary. This file only wires Fedify up and records what happened, so the
// pytest side can read it from a small control endpoint:
//
//   GET  /_control/health           200 once listening
//   POST /_control/follow           {identifier, target, via}: follow `target` (an actor
//                                   URL) as the local actor `identifier`, signing with
//                                   "draft-cavage-http-signatures-12", "rfc9421" (Fedify's
//                                   signRequest, one spec, no fallback) or "fedify"
//                                   (ctx.sendActivity: Fedify's sender with double knock)
//   POST /_control/unfollow         {identifier, target, via, followId}: Undo that Follow
//   POST /_control/lookup           {url, identifier?}: fetch and parse `url` with Fedify
//                                   (a signed GET as `identifier` when given)
//   GET  /_control/events           every inbox POST (status, signature spec), every
//                                   verified activity as Fedify parsed it, every rejection
//   POST /_control/reset            forget the events
//
// Run: node peer.mjs  (PEER_PORT, default 8787; listens on 127.0.0.1 only)

import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { configure } from "@logtape/logtape";
import {
  createFederation,
  generateCryptoKeyPair,
  MemoryKvStore,
  signRequest,
} from "@fedify/fedify";
import {
  Accept,
  Activity,
  Create,
  Delete,
  Endpoints,
  Follow,
  isActor,
  Person,
  Reject,
  Undo,
  Update,
} from "@fedify/vocab";

const PORT = Number(process.env.PEER_PORT ?? 8787);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const IDENTIFIERS = ["cavage", "rfc9421", "fedify"];
const AP = "application/activity+json";

/** Everything that happened, in order; the test reads it through /_control/events. */
let events = [];
const record = (event) => {
  events.push({ at: new Date().toISOString(), ...event });
};

// Fedify logs through LogTape: keep its warnings and errors as events too, so a problem
// Fedify noticed but did not turn into a status code still reaches the test.
await configure({
  sinks: {
    events: (log) =>
      record({
        kind: "log",
        level: log.level,
        category: log.category.join("."),
        message: log.message.map((part) => (typeof part === "string" ? part : String(part))).join(""),
      }),
  },
  loggers: [
    { category: "fedify", sinks: ["events"], lowestLevel: "warning" },
    { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
  ],
});

// One RSA key (HTTP signatures) and one Ed25519 key (Object Integrity Proofs) per actor,
// as Fedify recommends for its applications.
// (Generated in parallel: Fedify's RSA keys are 4096 bits, over a second each here.)
const keyPairs = new Map(
  await Promise.all(
    IDENTIFIERS.map(async (identifier) => [
      identifier,
      await Promise.all([
        generateCryptoKeyPair("RSASSA-PKCS1-v1_5"),
        generateCryptoKeyPair("Ed25519"),
      ]),
    ]),
  ),
);

const federation = createFederation({
  kv: new MemoryKvStore(),
  allowPrivateAddress: true, // our server runs on 127.0.0.1
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (!keyPairs.has(identifier)) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: `Fedify peer (${identifier})`,
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((key) => key.multikey),
    });
  })
  .setKeyPairsDispatcher((_ctx, identifier) => keyPairs.get(identifier) ?? []);

/** The fields a follower's timeline would show, as Fedify's vocabulary parsed them. */
async function describe(object) {
  if (object == null) return null;
  const text = (value) => (value == null ? null : value.toString());
  const attachments = [];
  for await (const attachment of object.getAttachments?.() ?? []) {
    attachments.push({
      type: attachment.constructor.name,
      url: text(attachment.url?.href ?? attachment.url),
      mediaType: text(attachment.mediaType),
      name: text(attachment.name),
    });
  }
  const described = {
    type: object.constructor.name,
    id: object.id?.href ?? null,
    name: text(object.name),
    summary: text(object.summary),
    content: text(object.content),
    url: text(object.url?.href ?? object.url),
    published: text(object.published),
    updated: text(object.updated),
    attributedTo: object.attributionId?.href ?? null,
    icon: text((await object.getIcon?.())?.url?.href),
    image: text((await object.getImage?.())?.url?.href),
    attachments,
  };
  if ("startTime" in object) {
    described.startTime = text(object.startTime);
    described.endTime = text(object.endTime);
    const location = await object.getLocation?.();
    described.location = location ? text(location.name) : null;
  }
  if ("formerType" in object) described.deleted = text(object.deleted);
  return described;
}

/** Record a verified activity (Fedify only calls listeners once the signature and the
 * key's owner check out) with its object as Fedify parsed it. */
function listener(type) {
  return async (ctx, activity) => {
    const event = {
      kind: "verified",
      type,
      id: activity.id?.href ?? null,
      actor: activity.actorId?.href ?? null,
      recipient: ctx.recipient,
      objectId: activity.objectId?.href ?? null,
    };
    if (activity instanceof Create || activity instanceof Update || activity instanceof Delete) {
      event.object = await describe(await activity.getObject());
    }
    record(event);
  };
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Accept, listener("Accept"))
  .on(Reject, listener("Reject"))
  .on(Create, listener("Create"))
  .on(Update, listener("Update"))
  .on(Delete, listener("Delete"))
  .on(Activity, listener("Other"))
  .onUnverifiedActivity((_ctx, activity, reason) => {
    record({
      kind: "rejected",
      why: "unverified",
      reason: { type: reason.type, keyId: reason.keyId?.href ?? null },
      type: activity.constructor.name,
      id: activity.id?.href ?? null,
      actor: activity.actorId?.href ?? null,
    });
  })
  .onError((_ctx, error) => {
    record({ kind: "rejected", why: "listener error", error: String(error?.stack ?? error) });
  });

const context = () => federation.createContext(new URL(ORIGIN), undefined);

/** Our actor `target` as Fedify parses it, or an error. */
async function lookupActor(ctx, target) {
  const actor = await ctx.lookupObject(target);
  if (!isActor(actor)) {
    throw new Error(`${target} is not an actor to Fedify: ${actor?.constructor.name}`);
  }
  return actor;
}

/** POST `activity` from `identifier` to `actor`'s inbox; `via` picks how it is signed:
 * one spec through Fedify's signRequest, or Fedify's own sender ("fedify"). */
async function send(ctx, identifier, actor, activity, via) {
  if (via === "fedify") {
    try {
      await ctx.sendActivity({ identifier }, actor, activity, { immediate: true });
      return { ok: true, via };
    } catch (error) {
      return { ok: false, via, error: String(error) };
    }
  }
  const [rsa] = await ctx.getActorKeyPairs(identifier);
  const body = JSON.stringify(await activity.toJsonLd({ contextLoader: ctx.contextLoader }));
  const request = new Request(actor.inboxId, {
    method: "POST",
    headers: { "content-type": AP, accept: AP },
    body,
  });
  const signed = await signRequest(request, rsa.privateKey, rsa.keyId, { spec: via });
  const response = await fetch(signed);
  const answer = await response.text();
  return {
    ok: response.ok,
    via,
    status: response.status,
    answer: answer.slice(0, 500),
    signature: signed.headers.get("signature-input") ? "rfc9421" : "draft-cavage",
  };
}

const followOf = (ctx, identifier, target, id) =>
  new Follow({ id: new URL(id), actor: ctx.getActorUri(identifier), object: target, to: target });

/** Follow `target` as `identifier`. */
async function follow({ identifier, target, via }) {
  if (!keyPairs.has(identifier)) throw new Error(`no local actor ${identifier}`);
  const ctx = context();
  const actor = await lookupActor(ctx, target);
  const key = actor.publicKeyId ? await actor.getPublicKey() : null;
  const parsedActor = {
    type: actor.constructor.name,
    id: actor.id?.href,
    preferredUsername: actor.preferredUsername?.toString() ?? null,
    inbox: actor.inboxId?.href ?? null,
    sharedInbox: actor.endpoints?.sharedInbox?.href ?? null,
    publicKeyId: key?.id?.href ?? null,
    publicKeyOwner: key?.ownerId?.href ?? null,
  };
  const followId = `${ctx.getActorUri(identifier).href}/follows/${randomUUID()}`;
  const activity = followOf(ctx, identifier, actor.id, followId);
  return { followId, actor: parsedActor, ...(await send(ctx, identifier, actor, activity, via)) };
}

/** Undo the Follow `followId` of `target` (the Follow embedded, as Fedify apps send it). */
async function unfollow({ identifier, target, via, followId }) {
  const ctx = context();
  const actor = await lookupActor(ctx, target);
  const activity = new Undo({
    id: new URL(`${followId}/undo`),
    actor: ctx.getActorUri(identifier),
    object: followOf(ctx, identifier, actor.id, followId),
    to: actor.id,
  });
  return send(ctx, identifier, actor, activity, via);
}

/** Fetch `url` as Fedify does and parse it; signed by `identifier` when given (Fedify's
 * authenticated document loader: a signed GET, as for servers that require one). */
async function lookup({ url, identifier }) {
  const ctx = context();
  const options = identifier
    ? { documentLoader: await ctx.getDocumentLoader({ identifier }) }
    : {};
  const object = await ctx.lookupObject(url, options);
  if (object == null) return { found: false };
  const described = await describe(object);
  if ("totalItems" in object) described.totalItems = object.totalItems;
  return { found: true, object: described };
}

async function control(url, request) {
  if (url.pathname === "/_control/health") return Response.json({ ok: true });
  if (url.pathname === "/_control/events") return Response.json(events);
  if (url.pathname === "/_control/reset" && request.method === "POST") {
    events = [];
    return Response.json({ ok: true });
  }
  const actions = {
    "/_control/follow": follow,
    "/_control/unfollow": unfollow,
    "/_control/lookup": lookup,
  };
  if (url.pathname in actions && request.method === "POST") {
    try {
      return Response.json(await actions[url.pathname](await request.json()));
    } catch (error) {
      return Response.json({ ok: false, error: String(error?.stack ?? error) });
    }
  }
  return new Response("not found", { status: 404 });
}

/** Hand a request to Fedify; record every inbox POST with the status Fedify answered. */
async function handle(request) {
  const url = new URL(request.url);
  if (url.pathname.startsWith("/_control/")) return control(url, request);
  if (request.method !== "POST") return federation.fetch(request, { contextData: undefined });
  const copy = request.clone();
  const response = await federation.fetch(request, { contextData: undefined });
  const body = await copy.text();
  let activity = {};
  try {
    activity = JSON.parse(body);
  } catch {
    // recorded below as it came
  }
  const event = {
    kind: "inbox",
    path: url.pathname,
    status: response.status,
    signature: request.headers.get("signature-input") ? "rfc9421" : "draft-cavage",
    contentType: request.headers.get("content-type"),
    type: activity.type ?? null,
    id: activity.id ?? null,
    actor: typeof activity.actor === "string" ? activity.actor : activity.actor?.id ?? null,
  };
  record(event);
  if (response.status >= 400) {
    const answer = await response.clone().text();
    record({ ...event, kind: "rejected", why: "inbox answered an error", answer: answer.slice(0, 500), body: body.slice(0, 2000) });
  }
  return response;
}

// Node's http server in front of Fedify's fetch-style handler.
const server = createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(new URL(req.url, ORIGIN), {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([name, value]) =>
        Array.isArray(value) ? value.map((v) => [name, v]) : [[name, value]],
      ),
      body: hasBody ? Buffer.concat(chunks) : undefined,
    });
    const response = await handle(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    record({ kind: "rejected", why: "peer crashed", error: String(error?.stack ?? error) });
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(error));
  }
});

server.listen(PORT, "127.0.0.1", () => {
  console.log(`fedify peer listening on ${ORIGIN}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
