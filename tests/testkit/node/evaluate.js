// Evaluate flags with the official ConfigCat Node SDK (configcat-node) and print the results.
// stdin: {"modules": DIR, "baseUrl": URL, "sdkKey": KEY, "keys": [...], "users": [...]}
// stdout: [[value, variationId], ...] per user, then per key (a user is null or
// {"identifier", "email", "country", "custom"}).
"use strict";

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const configcat = require(require.resolve("configcat-node", { paths: [input.modules] }));
  const client = configcat.getClient(input.sdkKey, configcat.PollingMode.ManualPoll, {
    baseUrl: input.baseUrl,
    logger: configcat.createConsoleLogger(configcat.LogLevel.Off),
  });
  try {
    const refreshed = await client.forceRefreshAsync();
    if (!refreshed.isSuccess) throw new Error(`refresh failed: ${refreshed.errorMessage}`);
    const out = [];
    for (const u of input.users) {
      const user = u && new configcat.User(u.identifier, u.email, u.country, u.custom);
      for (const key of input.keys) {
        const details = await client.getValueDetailsAsync(key, null, user);
        if (details.errorMessage) throw new Error(`${key}: ${details.errorMessage}`);
        out.push([details.value, details.variationId ?? null]);
      }
    }
    process.stdout.write(JSON.stringify(out));
  } finally {
    client.dispose();
  }
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
