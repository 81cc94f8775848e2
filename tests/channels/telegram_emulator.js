// The Bot API emulator (npm telegram-test-api) on 127.0.0.1:PORT, keeping messages an hour.
const TelegramServer = require("telegram-test-api");
const port = Number(process.argv[2]);
const server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 3600 });
server.start().then(() => console.log(`listening on ${port}`));
process.on("SIGTERM", () => server.stop().then(() => process.exit(0)));
