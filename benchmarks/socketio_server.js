// A bare socket.io 4.8 server for benchmarks/fanout.py: every event a socket sends goes to
// every connected socket of the default namespace, the sender included (io.emit). Nothing
// is stored. GET /healthz answers 200 so fanout.py can wait for it like for the others.
//
//   node benchmarks/socketio_server.js PORT     (socket.io found through NODE_PATH)
//
// It stops on SIGINT or SIGTERM, and by itself after LIFETIME_MS if never told to.
"use strict";

const http = require("node:http");
const { Server } = require("socket.io");

const HOST = "127.0.0.1";
const LIFETIME_MS = 900 * 1000;
const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: node socketio_server.js PORT");
  process.exit(2);
}

const server = http.createServer((request, response) => {
  if (request.url === "/healthz") {
    response.writeHead(200, { "Content-Type": "application/json" });
    response.end('{"status": "ok"}\n');
    return;
  }
  response.writeHead(404);
  response.end();
});

const io = new Server(server, {
  transports: ["websocket"], // the client speaks raw Engine.IO v4 over a websocket, no polling
  perMessageDeflate: false, // as every other server in the benchmark: no compression
  httpCompression: false,
  maxHttpBufferSize: 64 * 1024,
  pingInterval: 15000,
  pingTimeout: 15000,
});

io.on("connection", (socket) => {
  socket.onAny((event, ...args) => {
    io.emit(event, ...args);
  });
});

server.listen({ host: HOST, port, backlog: 2048 });

const stop = () => {
  io.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
setTimeout(stop, LIFETIME_MS).unref();
