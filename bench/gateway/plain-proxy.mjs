// The floor the gateway's cost is compared with: a plain node:http server that reads the body
// and forwards it with undici.request on a keep-alive pool, piping the answer back (no keys,
// budgets, ledger, metrics or logs). Prints "listening on http://HOST:PORT".
//
//   node bench/gateway/plain-proxy.mjs --upstream http://127.0.0.1:PORT

import { createServer } from "node:http";
import { Agent, request } from "undici";

const args = process.argv.slice(2);
const upstream = args[args.indexOf("--upstream") + 1];
const dispatcher = new Agent();

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    try {
      const answer = await request(`${upstream}${req.url}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
        body: Buffer.concat(chunks),
        dispatcher,
      });
      res.writeHead(answer.statusCode, { "content-type": answer.headers["content-type"] });
      answer.body.pipe(res);
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
});
server.listen(0, "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
