// Testing an OpenFeature app for Node.js against the fake over OFREP, with node's own runner.
//
//   configcat-mock serve --port 8080 --config-json examples/openfeature/flags.json \
//       --sdk-key configcat-sdk-1/example-example-exampl/openfeature-example-00
//   npm install @openfeature/server-sdk @openfeature/ofrep-provider
//   OFREP_URL=http://127.0.0.1:8080 node --test examples/openfeature/ofrep.test.js
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { OpenFeature } = require("@openfeature/server-sdk");
const { OFREPProvider } = require("@openfeature/ofrep-provider");

const SDK_KEY = "configcat-sdk-1/example-example-exampl/openfeature-example-00";
const ofrepUrl = process.env.OFREP_URL ?? "http://127.0.0.1:8080";

// The app's code under test: a banner chosen by a flag, per user.
async function greeting(client, email) {
  return client.getStringValue("banner", "Welcome", { targetingKey: email, email });
}

before(async () => {
  await OpenFeature.setProviderAndWait(
    new OFREPProvider({ baseUrl: ofrepUrl, headers: { "X-ConfigCat-SdkKey": SDK_KEY } }),
  );
});

after(() => OpenFeature.close());

test("the banner follows the flag's targeting rule", async () => {
  const client = OpenFeature.getClient();
  assert.equal(await greeting(client, "ann@example.com"), "Hi, team");
  assert.equal(await greeting(client, "bob@elsewhere.org"), "Hello");
});

test("percentage options split users, the same user always alike", async () => {
  const client = OpenFeature.getClient();
  const seen = new Set();
  for (let i = 0; i < 40; i++) {
    const details = await client.getBooleanDetails("newCheckout", false, { targetingKey: `user-${i}` });
    assert.equal(details.reason, "SPLIT");
    seen.add(details.value);
  }
  assert.deepEqual([...seen].sort(), [false, true]);
  const once = await client.getBooleanValue("newCheckout", false, { targetingKey: "user-7" });
  const again = await client.getBooleanValue("newCheckout", false, { targetingKey: "user-7" });
  assert.equal(once, again);
});
