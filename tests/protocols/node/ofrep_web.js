// OpenFeature's OFREP provider for the web (@openfeature/ofrep-web-provider) run in Node.js:
// bulk evaluation, ETags, polling and OFREP event streams (EventSource from `eventsource`).
// stdin: {"modules": DIR, "baseUrl": URL, "headers": {...}, "flags": {key: default},
//         "contexts": [...], "watch": null | {"key", "default", "context", "pollInterval"}}
// stdout: without "watch", [[value, variant, reason, errorCode], ...] per context, then per
// flag; with "watch", a line "ready" once the provider is ready, then, after the flag's value
// changes, a line with the new value as JSON.
"use strict";

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const load = (name) => require(require.resolve(name, { paths: [input.modules] }));
  globalThis.EventSource = load("eventsource").EventSource;
  const { OpenFeature, ProviderEvents } = load("@openfeature/web-sdk");
  const { OFREPWebProvider } = load("@openfeature/ofrep-web-provider");
  const watch = input.watch;
  const provider = new OFREPWebProvider({
    baseUrl: input.baseUrl,
    headers: Object.entries(input.headers),
    cacheMode: "disabled",
    disableVisibilityRefresh: true,
    pollInterval: watch ? watch.pollInterval : 0,
  });
  const client = OpenFeature.getClient();
  const typed = (key, fallback) => {
    if (typeof fallback === "boolean") return client.getBooleanDetails(key, fallback);
    if (typeof fallback === "number") return client.getNumberDetails(key, fallback);
    return client.getStringDetails(key, fallback);
  };
  if (watch) {
    await OpenFeature.setContext(watch.context);
    await OpenFeature.setProviderAndWait(provider);
    const before = typed(watch.key, watch.default).value;
    const changed = new Promise((resolve) => {
      client.addHandler(ProviderEvents.ConfigurationChanged, () => {
        const now = typed(watch.key, watch.default).value;
        if (now !== before) resolve(now);
      });
    });
    process.stdout.write("ready\n");
    process.stdout.write(JSON.stringify(await changed) + "\n");
    await OpenFeature.close();
    return;
  }
  await OpenFeature.setProviderAndWait(provider);
  const out = [];
  for (const context of input.contexts) {
    await OpenFeature.setContext(context);
    for (const [key, fallback] of Object.entries(input.flags)) {
      const details = typed(key, fallback);
      out.push([details.value, details.variant ?? null, details.reason, details.errorCode ?? null]);
    }
  }
  await OpenFeature.close();
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
