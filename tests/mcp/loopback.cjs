// Preloaded (node --require) into third-party servers the tests start in
// HTTP mode: a listen() given only a port binds to all interfaces; this
// binds it to 127.0.0.1 instead, so a test server is never reachable from
// the network.
const net = require("node:net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const port = args[0];
  const onlyPort = typeof port === "number" || (typeof port === "string" && /^\d+$/.test(port));
  if (onlyPort && typeof args[1] !== "string") {
    args.splice(1, 0, "127.0.0.1");
  }
  return listen.apply(this, args);
};
