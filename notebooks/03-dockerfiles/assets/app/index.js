const http = require("http");
const greet = require("greet");
http.createServer((req, res) => res.end(greet("Docker") + "\n")).listen(3000);
