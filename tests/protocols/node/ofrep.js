// Evaluate flags with OpenFeature's OFREP provider for Node (@openfeature/ofrep-provider) and
// print the results.
// stdin: {"modules": DIR, "baseUrl": URL, "headers": {...}, "flags": {key: default},
//         "contexts": [{targetingKey, ...}]}
// stdout: [[value, variant, reason, errorCode], ...] per context, then per flag.
"use strict";

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const load = (name) => require(require.resolve(name, { paths: [input.modules] }));
  const { OpenFeature } = load("@openfeature/server-sdk");
  const { OFREPProvider } = load("@openfeature/ofrep-provider");
  await OpenFeature.setProviderAndWait(
    new OFREPProvider({ baseUrl: input.baseUrl, headers: input.headers }),
  );
  const client = OpenFeature.getClient();
  const out = [];
  for (const context of input.contexts) {
    for (const [key, fallback] of Object.entries(input.flags)) {
      let details;
      if (typeof fallback === "boolean") details = await client.getBooleanDetails(key, fallback, context);
      else if (typeof fallback === "number") details = await client.getNumberDetails(key, fallback, context);
      else details = await client.getStringDetails(key, fallback, context);
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
